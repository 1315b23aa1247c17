#include "OAuth2Action.h"

#include "CallCache.h"
#include "ConnectionSettings.h"
#include "SchemaCatalog.h"
#include "SessionRegistry.h"

#include "falcon/oauth2/core/ProcessLocal.h"
#include "falcon/plugin/EnumSpellings.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

namespace Falcon {
namespace Actions {

std::string OAuth2Action::inputSchema() const
{
	return SchemaCatalog::instance().text(operationId() + ".input.schema.json");
}

std::string OAuth2Action::outputSchema() const
{
	return SchemaCatalog::instance().text(operationId() + ".output.schema.json");
}

namespace {

OAuth2::ApiResult refused(int status, OAuth2::ErrorKind kind, const std::string& message)
{
	OAuth2::ApiResult result =
		OAuth2::ApiResult::synthetic(status, OAuth2::Error{kind, message, false, std::nullopt, {}});
	result.refused = kind == OAuth2::ErrorKind::InvalidInput;
	return result;
}

} // namespace

Plugin::ActionResult OAuth2Action::refusal(int status, OAuth2::ErrorKind kind, const std::string& message)
{
	const OAuth2::ApiResult result = refused(status, kind, message);
	return Plugin::ActionResult(result.toJSON(), result.refused);
}

Plugin::ActionResult OAuth2Action::refuse(int status, OAuth2::ErrorKind kind, const std::string& message) const
{
	return resultOf(refused(status, kind, message));
}

std::string OAuth2Action::text(const Poco::JSON::Object::Ptr& object, const std::string& field)
{
	return object && object->has(field) ? object->getValue<std::string>(field) : std::string();
}

Plugin::ActionResult OAuth2Action::resultOf(OAuth2::ApiResult result) const
{
	const bool refused = result.refused;
	return Plugin::ActionResult(std::move(result).toJSON(), refused);
}

Plugin::ActionResult OAuth2Action::invoke(
	const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const noexcept
{
	try
	{
		// Whatever door the call came through, nothing is sent before both objects pass their
		// schemas; a call seen before (the same content) is not checked or resolved again.
		std::string key;
		key.reserve(512);
		key += operationId();
		CallCache::appendKey(key, context.connection());
		CallCache::appendKey(key, input);
		static OAuth2::ProcessLocal<CallCache> cache;
		CallCache& calls = cache.get();
		std::shared_ptr<OAuth2::OAuth2Client> session = calls.find(key);
		if (!session)
		{
			const SchemaCatalog& schemas = SchemaCatalog::instance();
			// "US2" is checked as "us-2" (the client reads either); the caller's object stays as given.
			static const Plugin::EnumSpellings spellings(
				Poco::JSON::Parser().parse(schemas.text("connection.schema.json")).extract<Poco::JSON::Object::Ptr>());
			const Poco::JSON::Object::Ptr canonical = spellings.canonical(context.connection());
			std::vector<std::string> problems = schemas.check("connection.schema.json",
				canonical ? Poco::Dynamic::Var(canonical) : Poco::Dynamic::Var(), "connection");
			const auto inputProblems = schemas.check(operationId() + ".input.schema.json",
				input ? Poco::Dynamic::Var(input) : Poco::Dynamic::Var(), "input");
			problems.insert(problems.end(), inputProblems.begin(), inputProblems.end());
			if (!problems.empty())
			{
				return refuse(400, OAuth2::ErrorKind::InvalidInput,
					Poco::cat(std::string("; "), problems.begin(), problems.end()));
			}
			session =
				SessionRegistry::instance().session(configFor(input, context), context.connection(), context.logger());
			calls.remember(key, session);
		}
		return call(*session, input, context);
	}
	catch (const OAuth2::InvalidInputException& e)
	{
		// Messages from configuration checks name the field and never carry a secret.
		return refuse(400, OAuth2::ErrorKind::InvalidInput, e.message());
	}
	catch (...)
	{
		// Anything else is ours; its text is not trusted to be free of secrets.
		try
		{
			return refuse(500, OAuth2::ErrorKind::Protocol, "the " + operationId() + " action failed unexpectedly");
		}
		catch (...)
		{
			return Plugin::ActionResult(nullptr);
		}
	}
}

}
} // namespace Falcon::Actions
