#include "falcon/plugin/ActionResult.h"
#include "falcon/plugin/JsonWriter.h"

#include <Poco/JSON/Array.h>

#include <sstream>

namespace Falcon {
namespace Plugin {

namespace {

/// What a result without an output says: a failure, never a success with status 0.
Poco::JSON::Object::Ptr missingOutput()
{
	const std::string message = "the action produced no result";
	Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	entry->set("message", message);
	entry->set("code", 500);
	Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
	errors->add(entry);
	Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	body->set("errors", errors);
	body->set("resources", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
	Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	error->set("kind", std::string("protocol"));
	error->set("message", message);
	error->set("retryable", false);
	error->set("retry_after_s", Poco::Dynamic::Var());
	error->set("trace_id", std::string());
	Poco::JSON::Object::Ptr output = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	output->set("status_code", 500);
	output->set("headers", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	output->set("body", body);
	output->set("error", error);
	return output;
}

} // namespace

ActionResult::ActionResult(Poco::JSON::Object::Ptr output, bool rejectedInput):
	_output(output ? std::move(output) : missingOutput()), _rejectedInput(rejectedInput && _output->has("error"))
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
	if (indent == 0)
	{
		std::string compact;
		compact.reserve(1024);
		Json::write(_output, compact);
		return compact;
	}
	std::ostringstream out;
	_output->stringify(out, indent);
	return out.str();
}

}
} // namespace Falcon::Plugin
