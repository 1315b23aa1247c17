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
	_held(std::move(connection)),
	_connection(&_held), _logger(logger), _deadline(deadline), _cancellation(std::move(cancellation))
{
}

ActionContext::ActionContext(const Poco::JSON::Object::Ptr* borrowed, Poco::Logger& logger, Clock::time_point deadline,
	std::shared_ptr<const Cancellation> cancellation):
	_connection(borrowed),
	_logger(logger), _deadline(deadline), _cancellation(std::move(cancellation))
{
}

ActionContext ActionContext::borrowing(const Poco::JSON::Object::Ptr& connection, Poco::Logger& logger,
	Clock::time_point deadline, std::shared_ptr<const Cancellation> cancellation)
{
	return ActionContext(&connection, logger, deadline, std::move(cancellation));
}

ActionContext::ActionContext(const ActionContext& other):
	_held(other._held), _connection(other._connection == &other._held ? &_held : other._connection),
	_logger(other._logger), _deadline(other._deadline), _cancellation(other._cancellation)
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
