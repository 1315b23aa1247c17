#pragma once

#include "OAuth2Action.h"

namespace Falcon {
namespace Actions {

/// oauth2RevokeToken (`revoke`): revokes a token with the connection's Basic credentials; the
/// session forgets its cached token if it is this one.
class RevokeTokenAction: public OAuth2Action
{
public:
	std::string operationId() const override { return "oauth2RevokeToken"; }
	std::string alias() const override { return "revoke"; }
	std::string description() const override;

protected:
	OAuth2::ClientConfig configFor(
		const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const override;
	Plugin::ActionResult call(OAuth2::OAuth2Client& session, const Poco::JSON::Object::Ptr& input,
		const Plugin::ActionContext& context) const override;
};

}
} // namespace Falcon::Actions
