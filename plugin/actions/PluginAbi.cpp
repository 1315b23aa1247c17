// The plain C interface (falcon/plugin/falcon_plugin.h). JSON in, JSON out; nothing escapes as
// an exception; every string returned is malloc'ed here and freed here.

#include "ActionCatalog.h"
#include "OAuth2Action.h"
#include "SchemaCatalog.h"

#include "falcon/oauth2/core/JsonReader.h"
#include "falcon/plugin/JsonValues.h"
#include "falcon/plugin/falcon_plugin.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSONString.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

using namespace Falcon;

namespace {

char* copyOut(const std::string& text)
{
	char* copy = static_cast<char*>(std::malloc(text.size() + 1));
	if (copy) std::memcpy(copy, text.c_str(), text.size() + 1);
	return copy;
}

Poco::JSON::Object::Ptr parseObject(const char* text, const std::string& what)
{
	if (!text) throw OAuth2::InvalidInputException(what + ": missing (NULL)");
	try
	{
		const Poco::Dynamic::Var value = OAuth2::JsonReader::read(text);
		if (value.type() != typeid(Poco::JSON::Object::Ptr))
			throw OAuth2::InvalidInputException(what + ": must be a JSON object");
		return value.extract<Poco::JSON::Object::Ptr>();
	}
	catch (const OAuth2::InvalidInputException&)
	{
		throw;
	}
	catch (const Poco::Exception&)
	{
		// The parser's message may quote the text, and the text may hold a secret.
		throw OAuth2::InvalidInputException(what + ": not valid JSON");
	}
}

/// The description, put together from the schema texts (each one valid JSON), each on one line:
/// nothing is parsed or compiled to describe the plugin.
std::string describe()
{
	const auto& schemas = Actions::SchemaCatalog::instance();
	std::ostringstream out;
	// plugin.json with the API version this module implements: the one falcon_plugin_api_version
	// returns and a loader checks, written in one place (falcon_plugin.h).
	const std::string manifest = Plugin::Json::compact(schemas.text("plugin.json"));
	out << "{\"plugin\":{\"api_version\":" << FALCON_PLUGIN_API_VERSION << (manifest.size() > 2 ? "," : "")
		<< manifest.substr(1)
		<< ",\"connection_schema\":" << Plugin::Json::compact(schemas.text("connection.schema.json"))
		<< ",\"actions\":[";
	const char* separator = "";
	for (const Plugin::Action* action : Actions::allActions())
	{
		out << separator << "{\"operation_id\":";
		Poco::toJSON(action->operationId(), out);
		out << ",\"alias\":";
		Poco::toJSON(action->alias(), out);
		out << ",\"description\":";
		Poco::toJSON(action->description(), out);
		out << ",\"input_schema\":" << Plugin::Json::compact(action->inputSchema())
			<< ",\"output_schema\":" << Plugin::Json::compact(action->outputSchema()) << "}";
		separator = ",";
	}
	out << "]}";
	return out.str();
}

Plugin::ActionResult invoke(const char* name, const char* inputJson, const char* connectionJson)
{
	const Plugin::Action* action = name ? Actions::findAction(name) : nullptr;
	if (!action)
		return Actions::OAuth2Action::refusal(418, OAuth2::ErrorKind::InvalidInput, "Invalid API operation specified.");
	// Parsed on every call: a parse kept per thread would need a thread_local destructor,
	// which keeps the module mapped after dlclose, and parsing costs little beside a call.
	const auto input = parseObject(inputJson, "input");
	const auto connection = parseObject(connectionJson, "connection");
	const auto deadline = Plugin::ActionContext::deadlineAfter(Plugin::ActionContext::callTimeoutOf(connection));
	const Plugin::ActionContext context(connection, Poco::Logger::get("falcon.plugin"), deadline);
	return action->invoke(input, context);
}

} // namespace

extern "C" {

int falcon_plugin_api_version(void)
{
	return FALCON_PLUGIN_API_VERSION;
}

char* falcon_plugin_describe(void)
{
	try
	{
		return copyOut(describe());
	}
	catch (...)
	{
		return copyOut("{\"error\":\"the plugin could not describe itself\"}");
	}
}

char* falcon_plugin_invoke(const char* action, const char* input_json, const char* connection_json)
{
	try
	{
		return copyOut(invoke(action, input_json, connection_json).toJSON());
	}
	catch (const OAuth2::InvalidInputException& e)
	{
		return copyOut(Actions::OAuth2Action::refusal(400, OAuth2::ErrorKind::InvalidInput, e.message()).toJSON());
	}
	catch (...)
	{
		try
		{
			return copyOut(
				Actions::OAuth2Action::refusal(500, OAuth2::ErrorKind::Protocol, "the plugin failed unexpectedly")
					.toJSON());
		}
		catch (...)
		{
			// Out of memory: a fixed reply, if even that can be had.
			return strdup(
				"{\"status_code\":500,\"headers\":{},\"body\":{\"errors\":[{\"message\":\"out of "
				"memory\",\"code\":500}],"
				"\"resources\":[]},\"error\":{\"kind\":\"protocol\",\"message\":\"out of memory\",\"retryable\":true,"
				"\"retry_after_s\":null,\"trace_id\":\"\"}}");
		}
	}
}

void falcon_plugin_free(char* text)
{
	std::free(text);
}

} // extern "C"
