#pragma once

#include "falcon/plugin/SchemaValidator.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Actions {

/// The embedded schemas, compiled once on first use and shared by every call and thread.
class SchemaCatalog
{
public:
	static const SchemaCatalog& instance();

	/// The text of a schema file ("" if there is none by that name).
	std::string text(const std::string& name) const;

	/// Problems of `value` against the schema `name`, paths starting at `root`.
	std::vector<std::string> check(const std::string& name, const Poco::Dynamic::Var& value, const std::string& root) const;

private:
	SchemaCatalog();

	std::map<std::string, std::unique_ptr<Plugin::SchemaValidator>> _validators;
};

}} // namespace Falcon::Actions
