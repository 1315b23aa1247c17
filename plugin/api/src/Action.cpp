#include "falcon/plugin/Action.h"

#include <algorithm>
#include <cmath>

namespace Falcon {
namespace Plugin {

// Out of line, so the vtable and type information live in this shared library only and are the
// same object for host and module.
Action::~Action() = default;

bool Action::answersTo(const std::string& name) const
{
	return name == operationId() || name == alias();
}

ActionContext::ActionContext(Poco::JSON::Object::Ptr connection, Poco::Logger& logger, Clock::time_point deadline,
	std::shared_ptr<const Cancellation> cancellation):
	_connection(std::move(connection)),
	_logger(logger), _deadline(deadline), _cancellation(std::move(cancellation))
{
}

ActionContext::~ActionContext() = default;

double ActionContext::callTimeoutOf(const Poco::JSON::Object::Ptr& connection)
{
	if (connection && connection->has("call_timeout_s") && connection->get("call_timeout_s").isNumeric())
		return connection->getValue<double>("call_timeout_s");
	return 60.0;
}

ActionContext::Clock::time_point ActionContext::deadlineAfter(double seconds)
{
	const double bounded = std::isnan(seconds) ? 60.0 : std::min(std::max(seconds, 0.001), 3600.0);
	return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(bounded));
}

}
} // namespace Falcon::Plugin
