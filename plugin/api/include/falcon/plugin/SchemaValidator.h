#pragma once

#include "falcon/plugin/Export.h"

#include <Poco/Dynamic/Var.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Plugin {

/// A draft-07 JSON Schema compiled once (valijson underneath) and checked against values many
/// times, from any number of threads. Hosts use it to check inputs and connections before an
/// action runs; the module uses it to check what reaches it through any door.
class FALCON_PLUGIN_EXPORT SchemaValidator
{
public:
	/// Returns the text of a schema a `$ref` names ("error.schema.json"), or "" if unknown.
	using Resolver = std::function<std::string(const std::string& name)>;

	/// Throws Poco::DataFormatException saying what is wrong when the schema (or a schema it
	/// refers to) is not valid JSON or not a usable schema.
	explicit SchemaValidator(const std::string& schemaText, const Resolver& resolver = {});
	~SchemaValidator();

	SchemaValidator(const SchemaValidator&) = delete;
	SchemaValidator& operator=(const SchemaValidator&) = delete;

	/// The schema compiled once per process: every caller in the process (a host and the
	/// module it loaded check the same connection and input schemas) shares one compilation,
	/// whatever the layout of the text each has (whitespace between tokens does not count).
	/// Reused only when `resolver` gives the same documents for the schema's references as when
	/// it was compiled; a few dozen schemas are kept at most, the rest compiled each time.
	static std::shared_ptr<const SchemaValidator> shared(const std::string& schemaText, const Resolver& resolver = {});

	/// Every problem with `value`, as "PATH: what is wrong", PATH starting at `root`
	/// ("input.data.client_id"). Empty when the value is valid. Never contains a value.
	std::vector<std::string> validate(const Poco::Dynamic::Var& value, const std::string& root) const;

private:
	std::string describe(const std::vector<std::string>& context, const std::string& description) const;

	struct Compiled;
	std::unique_ptr<Compiled> _compiled;
};

}
} // namespace Falcon::Plugin
