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
	OAuth2::ClientConfig configFor(const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const override;
	Plugin::ActionResult call(OAuth2::OAuth2Client& session, const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const override;
	/// Adds `cached`: whether the session's cached token was returned.
	Plugin::ActionResult resultOf(const OAuth2::ApiResult& result) const override;
};

}} // namespace Falcon::Actions
