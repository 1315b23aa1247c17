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
	/// What the readers read: the caller's own output once it is made, else the shared one.
	const Poco::JSON::Object::Ptr& current() const;

	enum State : unsigned char
	{
		SHARED, ///< only `_shared` is there
		COPYING, ///< output() is making `_output`; another output() waits for it
		OWNED ///< `_output` is the caller's (from the start, when nothing was shared)
	};

	Poco::JSON::Object::Ptr _shared; ///< the module's output, never changed; null when not shared
	mutable Poco::JSON::Object::Ptr _output;
	mutable std::atomic<State> _state{OWNED};
	bool _rejectedInput;
};

}
} // namespace Falcon::Plugin
