#pragma once

#include "OAuth2Action.h"

namespace Falcon {
namespace Actions {

/// oauth2AccessToken (`token`): the session's cached token while it is fresh, a new one
/// otherwise or with `force`. The output's `cached` says which.
class AccessTokenAction: public OAuth2Action
{
public:
	std::string operationId() const override { return "oauth2AccessToken"; }
	std::string alias() const override { return "token"; }
	std::string description() const override;

protected:
	OAuth2::ClientConfig configFor(
		const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const override;
	Plugin::ActionResult call(OAuth2::OAuth2Client& session, const Poco::JSON::Object::Ptr& input,
		const Plugin::ActionContext& context) const override;
	/// A refusal's output: `cached` false, `source` none.
	Plugin::ActionResult resultOf(OAuth2::ApiResult result) const override;

private:
	/// Adds `cached` (whether a cache returned the token) and `source` (which layer of the chain).
	Plugin::ActionResult tokenOutput(OAuth2::TokenResult result) const;
};

}
} // namespace Falcon::Actions
