#include "RevokeTokenAction.h"

#include "ConnectionSettings.h"

namespace Falcon {
namespace Actions {

std::string RevokeTokenAction::description() const
{
	return "Revoke an OAuth2 access token (POST /oauth2/revoke). After this the token is refused by every "
		   "Falcon API call.";
}

OAuth2::ClientConfig RevokeTokenAction::configFor(
	const Poco::JSON::Object::Ptr&, const Plugin::ActionContext& context) const
{
	return clientConfigFrom(context.connection());
}

Plugin::ActionResult RevokeTokenAction::call(
	OAuth2::OAuth2Client& session, const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const
{
	// Keyword style carries token and client_id on the call; Uber style in `data` (the schema
	// allows exactly one of the two).
	const auto data = input->getObject("data");
	const Poco::JSON::Object::Ptr fields = data ? data : input;
	OAuth2::RevokeOptions options;
	options.token = text(fields, "token");
	options.clientId = text(fields, "client_id");
	options.deadline = context.deadline();
	options.cancellation = context.cancellation();
	return resultOf(session.revoke(options));
}

}
} // namespace Falcon::Actions
