#pragma once

#include "falcon/plugin/SchemaValidator.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Falcon {
namespace Actions {

/// The embedded schemas, each compiled on its first use and then shared by every call and
/// thread: a call compiles only the schemas it is checked against (a process that runs one
/// action never compiles the others).
class SchemaCatalog
{
public:
	static const SchemaCatalog& instance();

	/// The text of a schema file ("" if there is none by that name).
	std::string text(const std::string& name) const;

	/// Problems of `value` against the schema `name`, paths starting at `root`.
	std::vector<std::string> check(
		const std::string& name, const Poco::Dynamic::Var& value, const std::string& root) const;

private:
	SchemaCatalog() = default;

	/// The compiled schema `name` (the process's one compilation of it), or nullptr when there
	/// is no schema by that name.
	std::shared_ptr<const Plugin::SchemaValidator> validator(const std::string& name) const;

	mutable std::mutex _mutex;
	mutable std::map<std::string, std::shared_ptr<const Plugin::SchemaValidator>> _validators;
};

}
} // namespace Falcon::Actions
