// Mints a token with the credentials in the environment, shows the result with the token
// masked, then revokes it: the shortest complete use of the OAuth2 client.
//
//   FALCON_CLIENT_ID, FALCON_CLIENT_SECRET   required
//   FALCON_MEMBER_CID                        optional (MSSP child)
//   FALCON_CLOUD or FALCON_BASE_URL          optional (default us-1)
//   FALCON_CA_BUNDLE                         optional PEM file of trusted CAs
//   FALCON_DEBUG=1                           request/response detail on stderr, redacted

#include "falcon/oauth2/http/IssuedToken.h"
#include "falcon/oauth2/OAuth2Client.h"

#include <Poco/ConsoleChannel.h>
#include <Poco/Environment.h>
#include <Poco/FormattingChannel.h>
#include <Poco/JSON/Object.h>
#include <Poco/PatternFormatter.h>

#include <iostream>

using namespace Falcon::OAuth2;

namespace {

void show(const std::string& what, const ApiResult& result, const Redactor& redactor)
{
	std::ostringstream json;
	result.toJSON()->stringify(json, 2);
	std::cout << what << ":\n" << redactor.redact(json.str()) << "\n";
}

} // namespace

int main()
{
	ClientConfig config;
	config.clientId = Poco::Environment::get("FALCON_CLIENT_ID", "");
	config.clientSecret = Poco::Environment::get("FALCON_CLIENT_SECRET", "");
	config.memberCid = Poco::Environment::get("FALCON_MEMBER_CID", "");
	config.cloud = Poco::Environment::get("FALCON_CLOUD", config.cloud);
	config.baseUrl = Poco::Environment::get("FALCON_BASE_URL", "");
	config.caBundle = Poco::Environment::get("FALCON_CA_BUNDLE", "");

	Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(
		new Poco::PatternFormatter("%H:%M:%S.%i %p %s: %t"), new Poco::ConsoleChannel(std::cerr)));
	Poco::Logger& logger = Poco::Logger::get("falcon.oauth2");
	logger.setChannel(channel);
	logger.setLevel(Poco::Environment::get("FALCON_DEBUG", "") == "1" ? Poco::Message::PRIO_DEBUG
																	  : Poco::Message::PRIO_INFORMATION);

	try
	{
		OAuth2Client client(config, logger);
		const ApiResult token = client.token();
		show("token", token, client.redactor());
		if (!token.ok()) return 1;
		RevokeOptions revoke;
		revoke.token = IssuedToken::fromBody(token.body)->accessToken;
		const ApiResult revoked = client.revoke(revoke);
		show("revoke", revoked, client.redactor());
		return revoked.ok() ? 0 : 1;
	}
	catch (const InvalidInputException& e)
	{
		std::cerr << "configuration error: " << e.message() << "\n"
				  << "set FALCON_CLIENT_ID and FALCON_CLIENT_SECRET (and FALCON_CLOUD or FALCON_BASE_URL) in the "
					 "environment\n";
		return 2;
	}
}
