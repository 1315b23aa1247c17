#pragma once

#include "falcon/oauth2/http/ApiResult.h"
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
	Plugin::ActionResult invoke(
		const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const noexcept override;

	/// FalconPy's synthetic shape for a failure the plugin decided itself, outside any action
	/// (an unknown action, unreadable JSON at the C interface).
	static Plugin::ActionResult refusal(int status, OAuth2::ErrorKind kind, const std::string& message);

protected:
	/// The client configuration for this call: the connection's, with what the input overrides.
	virtual OAuth2::ClientConfig configFor(
		const Poco::JSON::Object::Ptr& input, const Plugin::ActionContext& context) const = 0;

	/// Makes the call on the session the configuration resolved to.
	virtual Plugin::ActionResult call(OAuth2::OAuth2Client& session, const Poco::JSON::Object::Ptr& input,
		const Plugin::ActionContext& context) const = 0;

	/// The action's output for a client result (taken: its parsed reply becomes the output);
	/// subclasses add their own fields.
	virtual Plugin::ActionResult resultOf(OAuth2::ApiResult result) const;

	/// A refusal in this action's output shape.
	Plugin::ActionResult refuse(int status, OAuth2::ErrorKind kind, const std::string& message) const;

	/// A string field of `object`, or "" when absent.
	static std::string text(const Poco::JSON::Object::Ptr& object, const std::string& field);
};

}
} // namespace Falcon::Actions
