#include "SchemaCatalog.h"

#include "EmbeddedSchemas.h"

#include <Poco/String.h>

namespace Falcon {
namespace Actions {

namespace {

bool isSchemaFile(const std::string& name)
{
	const std::string suffix = ".schema.json";
	return name.size() > suffix.size() && Poco::endsWith(name, suffix);
}

} // namespace

const SchemaCatalog& SchemaCatalog::instance()
{
	static const SchemaCatalog catalog;
	return catalog;
}

std::string SchemaCatalog::text(const std::string& name) const
{
	const auto it = embeddedSchemas().find(name);
	return it == embeddedSchemas().end() ? std::string() : it->second;
}

std::shared_ptr<const Plugin::SchemaValidator> SchemaCatalog::validator(const std::string& name) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _validators.find(name);
	if (it == _validators.end())
	{
		const std::string source = text(name);
		if (!isSchemaFile(name) || source.empty()) return nullptr;
		auto resolve = [this](const std::string& referenced) { return text(referenced); };
		it = _validators.emplace(name, Plugin::SchemaValidator::shared(source, resolve)).first;
	}
	return it->second;
}

std::vector<std::string> SchemaCatalog::check(
	const std::string& name, const Poco::Dynamic::Var& value, const std::string& root) const
{
	const auto compiled = validator(name);
	if (!compiled) return {root + ": no schema " + name};
	// A compiled schema is only read: validations run side by side.
	return compiled->validate(value, root);
}

}
} // namespace Falcon::Actions
