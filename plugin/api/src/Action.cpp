#include "falcon/plugin/Action.h"

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
	std::shared_ptr<const std::atomic<bool>> cancelled):
	_connection(std::move(connection)),
	_logger(logger),
	_deadline(deadline),
	_cancelled(std::move(cancelled))
{
}

ActionContext::~ActionContext() = default;

} } // namespace Falcon::Plugin
