#include "AccessTokenAction.h"

#include "ConnectionSettings.h"

#include "falcon/plugin/JsonValues.h"

namespace Falcon {
namespace Actions {

std::string AccessTokenAction::description() const
{
	return "Get an OAuth2 access token for the Falcon API (POST /oauth2/token). Returns the session's cached "
		   "token while it is valid; force: true mints a new one.";
}

OAuth2::ClientConfig AccessTokenAction::configFor(
	const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const
{
	OAuth2::ClientConfig config = clientConfigFrom(context.connection());
	// Uber style: credentials in `data` replace the connection's for this call.
	const auto data = input->getObject("data");
	if (data && data->has("client_id")) config.clientId = text(data, "client_id");
	if (data && data->has("client_secret")) config.clientSecret = text(data, "client_secret");
	if (data && data->has("member_cid")) config.memberCid = text(data, "member_cid");
	if (input->has("member_cid")) config.memberCid = text(input, "member_cid");
	return config;
}

namespace {

/// What the output's `source` says.
const char* sourceOf(const OAuth2::TokenResult& result)
{
	if (result.refused) return "none";
	if (result.fromSharedStore) return "shared_store";
	return result.fromCache ? "memory" : "api";
}

/// What says where the token came from.
void putLabels(Poco::JSON::Object& output, bool cached, const std::string& source)
{
	Plugin::Json::put(output, "cached", cached);
	Plugin::Json::put(output, "source", source);
}

/// The labels of a hit this session's memory serves, put once on the output its hits share.
void labelledAsMemoryHit(Poco::JSON::Object& output)
{
	putLabels(output, true, "memory");
}

} // namespace

Plugin::ActionResult AccessTokenAction::call(
	OAuth2::OAuth2Client& session, const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const
{
	OAuth2::TokenOptions options;
	options.force = input->has("force") && input->getValue<bool>("force");
	options.deadline = context.deadline();
	options.cancellation = context.cancellation();
	// A hit this session's memory serves at once is an output shared with the hits that follow:
	// the host reads it where it is, and copies it only to change it.
	if (Poco::JSON::Object::Ptr hit = session.cachedTokenOutput(options, labelledAsMemoryHit))
		return Plugin::ActionResult::shared(std::move(hit));
	return tokenOutput(session.token(options));
}

Plugin::ActionResult AccessTokenAction::resultOf(OAuth2::ApiResult result) const
{
	return tokenOutput(OAuth2::TokenResult(std::move(result)));
}

Plugin::ActionResult AccessTokenAction::tokenOutput(OAuth2::TokenResult result) const
{
	const std::string source = sourceOf(result);
	const bool cached = result.fromCache, refused = result.refused;
	Poco::JSON::Object::Ptr output = std::move(result).toJSON();
	putLabels(*output, cached, source);
	return Plugin::ActionResult(output, refused);
}

}
} // namespace Falcon::Actions
