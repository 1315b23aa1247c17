#include "falcon/plugin/ActionResult.h"

#include <sstream>

namespace Falcon {
namespace Plugin {

ActionResult::ActionResult(Poco::JSON::Object::Ptr output):
	_output(output ? std::move(output) : Poco::JSON::Object::Ptr(new Poco::JSON::Object))
{
}

ActionResult::~ActionResult() = default;

bool ActionResult::ok() const
{
	return !_output->has("error");
}

int ActionResult::statusCode() const
{
	return _output->has("status_code") ? _output->getValue<int>("status_code") : 0;
}

std::string ActionResult::errorKind() const
{
	const auto error = _output->getObject("error");
	return error && error->has("kind") ? error->getValue<std::string>("kind") : std::string();
}

std::string ActionResult::toJSON(unsigned indent) const
{
	std::ostringstream out;
	_output->stringify(out, indent);
	return out.str();
}

} } // namespace Falcon::Plugin
