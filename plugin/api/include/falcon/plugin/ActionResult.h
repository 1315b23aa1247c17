#pragma once

#include "falcon/plugin/Export.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace Falcon {
namespace Plugin {

/// The outcome of an invocation: FalconPy's {status_code, headers, body} (plus `cached` for the
/// token action) and, on failure, the `error` object of schema/error.schema.json.
class FALCON_PLUGIN_EXPORT ActionResult
{
public:
	/// A null `output` is a failure (status 500, kind "protocol"), never a success.
	/// `rejectedInput`: the module refused the call before sending anything, because of its
	/// input or connection (the caller's mistake, where a host reports a usage error).
	explicit ActionResult(Poco::JSON::Object::Ptr output, bool rejectedInput = false);
	virtual ~ActionResult();

	/// No `error` in the output: the API call succeeded.
	bool ok() const;
	int statusCode() const;
	/// The error's kind ("auth_failed", ...), or "" on success.
	std::string errorKind() const;

	/// Refused before anything was sent, because of the input or connection; false for every
	/// call that went out (whatever the API answered) and every other failure.
	bool rejectedInput() const { return _rejectedInput; }

	const Poco::JSON::Object::Ptr& output() const { return _output; }
	std::string toJSON(unsigned indent = 0) const;

private:
	Poco::JSON::Object::Ptr _output;
	bool _rejectedInput;
};

}
} // namespace Falcon::Plugin
