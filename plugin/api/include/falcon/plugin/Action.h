#pragma once

#include "falcon/plugin/ActionContext.h"
#include "falcon/plugin/ActionResult.h"
#include "falcon/plugin/Export.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace Falcon {
namespace Plugin {

/// One action a plugin offers, as a host sees it. Actions are stateless and may be invoked from
/// many threads at once; whatever they share lives inside the module.
class FALCON_PLUGIN_EXPORT Action
{
public:
	virtual ~Action();

	/// The API's operation ID, e.g. "oauth2AccessToken".
	virtual std::string operationId() const = 0;
	/// FalconPy's PEP8 name, e.g. "token".
	virtual std::string alias() const = 0;
	virtual std::string description() const = 0;
	/// draft-07 JSON Schemas, as text.
	virtual std::string inputSchema() const = 0;
	virtual std::string outputSchema() const = 0;

	/// Runs the action. Never throws: every failure is a result with an `error`. The input is only
	/// read: a host may give the same object to many calls, from many threads at once.
	virtual ActionResult invoke(const Poco::JSON::Object::Ptr& input, const ActionContext& context) const noexcept = 0;

	/// True for the operation ID or the alias.
	bool answersTo(const std::string& name) const;
};

/// The module's plain symbol a host checks before loading it with Poco::ClassLoader.
constexpr const char* API_VERSION_SYMBOL = "falcon_plugin_api_version";

}
} // namespace Falcon::Plugin
