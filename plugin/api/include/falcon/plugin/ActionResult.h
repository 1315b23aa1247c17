#pragma once

#include "falcon/plugin/Export.h"

#include <Poco/JSON/Object.h>

#include <atomic>
#include <string>

namespace Falcon {
namespace Plugin {

/// The outcome of an invocation: FalconPy's {status_code, headers, body} (plus `cached` for the
/// token action) and, on failure, the `error` object of schema/error.schema.json.
///
/// Every const member may be called from several threads at once. Copies share the output.
class FALCON_PLUGIN_EXPORT ActionResult
{
public:
	/// A null `output` is a failure (status 500, kind "protocol"), never a success.
	/// `rejectedInput`: the module refused the call before sending anything, because of its
	/// input or connection (the caller's mistake, where a host reports a usage error).
	explicit ActionResult(Poco::JSON::Object::Ptr output, bool rejectedInput = false);
	/// An output the module keeps and gives to every call it serves alike (a cached token's,
	/// while its lifetime left reads the same): ok(), statusCode(), errorKind() and toJSON()
	/// read it where it is, and output() hands the caller a copy of its own, made at its first
	/// call. Nobody may change `output` once it is given here.
	static ActionResult shared(Poco::JSON::Object::Ptr output);

	ActionResult(const ActionResult& other);
	ActionResult& operator=(const ActionResult& other);
	virtual ~ActionResult();

	/// No `error` in the output: the API call succeeded.
	bool ok() const;
	int statusCode() const;
	/// The error's kind ("auth_failed", ...), or "" on success.
	std::string errorKind() const;

	/// Refused before anything was sent, because of the input or connection; false for every
	/// call that went out (whatever the API answered) and every other failure.
	bool rejectedInput() const { return _rejectedInput; }

	/// The output, the caller's own to read and to change (a shared one is copied first, once).
	const Poco::JSON::Object::Ptr& output() const;
	std::string toJSON(unsigned indent = 0) const;

private:
	/// `read(output)` while nothing replaces the output (output() may, on another thread).
	template <typename Read>
	auto reading(Read read) const;

	mutable Poco::JSON::Object::Ptr _output;
	bool _rejectedInput;
	/// `_output` is still the module's shared one. It sits where the members above left padding:
	/// the class keeps the size and layout of the library's first version.
	mutable std::atomic<bool> _shared{false};
};

}
} // namespace Falcon::Plugin
