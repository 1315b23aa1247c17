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

SchemaCatalog::SchemaCatalog()
{
	auto resolve = [](const std::string& name) {
		const auto it = embeddedSchemas().find(name);
		return it == embeddedSchemas().end() ? std::string() : it->second;
	};
	for (const auto& schema : embeddedSchemas())
	{
		if (isSchemaFile(schema.first)) _validators.emplace(schema.first, std::make_unique<Plugin::SchemaValidator>(schema.second, resolve));
	}
}

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

std::vector<std::string> SchemaCatalog::check(const std::string& name, const Poco::Dynamic::Var& value, const std::string& root) const
{
	const auto it = _validators.find(name);
	if (it == _validators.end()) return {root + ": no schema " + name};
	return it->second->validate(value, root);
}

}} // namespace Falcon::Actions
