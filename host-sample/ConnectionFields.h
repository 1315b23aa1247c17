#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace Falcon {
namespace Host {

/// One field of the plugin's connection schema, as the host needs it.
struct ConnectionField
{
	std::string name; ///< "call_timeout_s"
	std::string type; ///< the schema's JSON type: "string", "number", "integer", "boolean"
	bool secret = false; ///< x-secret: masked wherever the host shows or logs it
	std::vector<std::string> secretMembers; ///< an object value's x-secret members (token_cache.password)
	std::string environmentVariable; ///< "FALCON_CALL_TIMEOUT_S"
};

/// The connection fields, read from the plugin's connection schema: a field added to the schema
/// is a config key, an environment variable and (when x-secret) a masked value in falcon-host
/// without a line changed here.
class ConnectionFields
{
public:
	explicit ConnectionFields(const Poco::JSON::Object::Ptr& connectionSchema = nullptr);

	const std::vector<ConnectionField>& all() const { return _fields; }
	/// Null when the schema has no such field.
	const ConnectionField* find(const std::string& name) const;
	bool isSecret(const std::string& name) const;
	/// Whether `value` of the field holds a secret: the field is one, or the value is an object
	/// with a secret member.
	bool carriesSecret(const std::string& name, const Poco::Dynamic::Var& value) const;
	/// Every secret value in `connection` (fields and secret members alike), for masking.
	std::vector<std::string> secretValues(const Poco::JSON::Object::Ptr& connection) const;
	/// `value` with its secret members shown as "***".
	Poco::Dynamic::Var withMembersMasked(const std::string& name, const Poco::Dynamic::Var& value) const;

	/// Text from an INI file, the environment or a flag, typed as the schema wants it. A text
	/// that does not read as that type stays text, so that the schema names the field and the rule.
	static Poco::Dynamic::Var typed(const ConnectionField& field, const std::string& text);

private:
	std::vector<ConnectionField> _fields;
};

}
} // namespace Falcon::Host
