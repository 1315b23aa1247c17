#pragma once

#include "falcon/oauth2/ApiResult.h"
#include "falcon/oauth2/OAuth2Client.h"
#include "falcon/plugin/Action.h"

#include <memory>

namespace Falcon {
namespace Actions {

/// What both actions share: their schemas, checking the connection and input against them
/// before anything is sent, finding the session, and turning the client's result into the
/// action's output. Subclasses only say how their input becomes a call.
class OAuth2Action: public Plugin::Action
{
public:
	std::string inputSchema() const override;
	std::string outputSchema() const override;
	Plugin::ActionResult invoke(const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const noexcept override;

	/// FalconPy's synthetic shape for a failure the plugin decided itself, outside any action
	/// (an unknown action, unreadable JSON at the C interface).
	static Plugin::ActionResult refusal(int status, OAuth2::ErrorKind kind, const std::string& message);

protected:
	virtual Plugin::ActionResult run(const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const = 0;

	/// The action's output for a client result; subclasses add their own fields.
	virtual Plugin::ActionResult resultOf(const OAuth2::ApiResult& result) const;

	/// A refusal in this action's output shape.
	Plugin::ActionResult refuse(int status, OAuth2::ErrorKind kind, const std::string& message) const;

	/// The session for the connection, with credentials overridden by those given.
	static std::shared_ptr<OAuth2::OAuth2Client> session(const OAuth2::ClientConfig& config, const Plugin::ActionContext& context);

	/// A string field of `object`, or "" when absent.
	static std::string text(const Poco::JSON::Object::Ptr& object, const std::string& field);
};

} } // namespace Falcon::Actions
