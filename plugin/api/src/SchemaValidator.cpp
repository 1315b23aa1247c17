#include "falcon/plugin/SchemaValidator.h"

#include "SchemaGuard.h"

#include "falcon/plugin/JsonValues.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <valijson/adapters/poco_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <unordered_map>

namespace Falcon {
namespace Plugin {

namespace {

/// What a schema calls things, for messages that name them.
struct SchemaNames
{
	/// The allowed values of each enum, and each declared type, reached through properties and
	/// items, by path (".cloud", ".steps[].retry.on[]"), so that a refusal can name them.
	std::map<std::string, std::string> enums;
	std::map<std::string, std::string> types;
	/// "x-message": what to say instead of a combinator's failures (oneOf, not, required).
	std::map<std::string, std::string> messages;
	/// "x-printable": true: strings that must not hold control characters.
	std::set<std::string> printable;
};

/// How many bytes a UTF-8 sequence starting with `lead` has; 0 for a byte no sequence starts with.
std::size_t sequenceLength(unsigned char lead)
{
	if (lead < 0x80) return 1;
	if ((lead >> 5) == 0x6) return 2;
	if ((lead >> 4) == 0xE) return 3;
	if ((lead >> 3) == 0x1E) return 4;
	return 0;
}

/// Well-formed UTF-8: no stray continuation bytes, overlong forms, surrogates or code points
/// past U+10FFFF.
bool isUtf8(const std::string& text)
{
	const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
	const std::size_t size = text.size();
	for (std::size_t i = 0; i < size;)
	{
		const unsigned char lead = bytes[i];
		const std::size_t length = sequenceLength(lead);
		if (length == 0 || i + length > size) return false;
		unsigned long codePoint = length == 1 ? lead : lead & (0x7F >> length);
		for (std::size_t k = 1; k < length; ++k)
		{
			if ((bytes[i + k] & 0xC0) != 0x80) return false;
			codePoint = (codePoint << 6) | (bytes[i + k] & 0x3F);
		}
		const unsigned long smallest[] = {0, 0, 0x80, 0x800, 0x10000};
		if (codePoint < smallest[length] || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
			return false;
		i += length;
	}
	return true;
}

/// Every string (and key) that is not UTF-8, by path. valijson counts characters of strings
/// assuming they are, and reads past its tables on some that are not.
/// Strings that no schema keyword of valijson's can refuse in time: text that is not UTF-8
/// (valijson would read past it), and control characters where the schema says "x-printable"
/// (a pattern would recurse once per character). `schemaPath` is `path` without array indices.
void findUnfitText(const Poco::Dynamic::Var& value, const std::string& path, const std::string& schemaPath,
	const std::set<std::string>& printable, std::vector<std::string>& problems)
{
	if (value.type() == typeid(std::string))
	{
		const std::string& text = value.extract<std::string>();
		if (!isUtf8(text)) problems.push_back(path + ": is not valid UTF-8 text");
		else if (printable.count(schemaPath) && std::any_of(text.begin(), text.end(), [](char c) {
					 return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
				 }))
			problems.push_back(path + ": must not contain control characters");
	}
	else if (value.type() == typeid(Poco::JSON::Object::Ptr))
	{
		const auto& object = value.extract<Poco::JSON::Object::Ptr>();
		if (!object) return;
		for (const auto& member : *object)
		{
			if (!isUtf8(member.first)) problems.push_back(path + ": has a key that is not valid UTF-8 text");
			else
				findUnfitText(
					member.second, path + "." + member.first, schemaPath + "." + member.first, printable, problems);
		}
	}
	else if (value.type() == typeid(Poco::JSON::Array::Ptr))
	{
		const auto& array = value.extract<Poco::JSON::Array::Ptr>();
		if (!array) return;
		for (std::size_t i = 0; i < array->size(); ++i)
			findUnfitText(array->get(static_cast<unsigned>(i)), path + "[" + std::to_string(i) + "]", schemaPath + "[]",
				printable, problems);
	}
}

Poco::Dynamic::Var parse(const std::string& text, const std::string& what)
{
	try
	{
		Poco::JSON::Parser parser;
		return parser.parse(text);
	}
	catch (const Poco::Exception& e)
	{
		throw Poco::DataFormatException(what + " is not valid JSON: " + e.message());
	}
}

/// valijson names a path "<root>", "[data]", "[client_id]", "[0]"; we write "input.data.client_id".
/// "a, b, c" of a JSON array of names or values.
std::string listOf(const Poco::JSON::Array::Ptr& values)
{
	std::vector<std::string> names;
	for (const auto& value : *values) names.push_back(value.toString());
	return Poco::cat(std::string(", "), names.begin(), names.end());
}

/// Collects the enums and types of `schema` and of what its properties and items describe.
void collectNames(const Poco::Dynamic::Var& schema, const std::string& path, SchemaNames& into, int depth = 0)
{
	if (depth > 32 || schema.type() != typeid(Poco::JSON::Object::Ptr)) return;
	const auto object = schema.extract<Poco::JSON::Object::Ptr>();
	if (const auto values = object->getArray("enum")) into.enums.emplace(path, listOf(values));
	if (const auto names = object->getArray("type")) into.types.emplace(path, listOf(names));
	else if (object->has("type")) into.types.emplace(path, object->get("type").toString());
	if (object->has("x-message")) into.messages.emplace(path, object->get("x-message").toString());
	if (object->optValue("x-printable", false)) into.printable.insert(path);
	if (const auto properties = object->getObject("properties"))
	{
		for (const auto& property : *properties)
			collectNames(property.second, path + "." + property.first, into, depth + 1);
	}
	if (object->has("items")) collectNames(object->get("items"), path + "[]", into, depth + 1);
}

/// valijson's context as a path below `root`; array indices written as `index(i)`.
std::string pathOf(
	const std::vector<std::string>& context, const std::string& root,
	const std::function<std::string(const std::string&)>& index = [](const std::string& i) { return "[" + i + "]"; })
{
	std::string path = root;
	for (std::size_t i = 1; i < context.size(); ++i)
	{
		std::string part = context[i];
		if (part.size() >= 2 && part.front() == '[' && part.back() == ']') part = part.substr(1, part.size() - 2);
		const bool isIndex =
			!part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
		path += isIndex ? index(part) : "." + part;
	}
	return path;
}

} // namespace

struct SchemaValidator::Compiled
{
	valijson::Schema schema;
	SchemaNames names;
	/// The patterns compiled so far: each is compiled by the first validation that meets it and
	/// shared by every later one (compiling a pattern costs far more than matching it). A copy of
	/// the map shares the compiled automata.
	std::mutex patternsMutex;
	std::unordered_map<std::string, std::regex> patterns;
	/// The documents its references were resolved to, by URI: what `shared` compares.
	std::map<std::string, std::string> referenced;
};

SchemaValidator::SchemaValidator(const std::string& schemaText, const Resolver& resolver):
	_compiled(std::make_unique<Compiled>())
{
	Poco::Dynamic::Var document = parse(schemaText, "the schema");
	guardSchema(document);
	collectNames(document, "", _compiled->names);
	valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
	valijson::adapters::PocoJsonAdapter adapter(document);
	auto fetch = [&resolver, this](const std::string& uri) -> const Poco::Dynamic::Var* {
		const std::string text = resolver ? resolver(uri) : std::string();
		if (text.empty()) throw Poco::DataFormatException("the schema refers to an unknown document: " + uri);
		_compiled->referenced[uri] = text;
		auto* fetched = new Poco::Dynamic::Var(parse(text, uri));
		guardSchema(*fetched);
		return fetched;
	};
	auto release = [](const Poco::Dynamic::Var* document) { delete document; };
	try
	{
		parser.populateSchema(adapter, _compiled->schema, fetch, release);
	}
	catch (const Poco::Exception&)
	{
		throw;
	}
	catch (const std::exception& e)
	{
		throw Poco::DataFormatException(std::string("the schema is not usable: ") + e.what());
	}
}

SchemaValidator::~SchemaValidator() = default;

std::shared_ptr<const SchemaValidator> SchemaValidator::shared(const std::string& schemaText, const Resolver& resolver)
{
	static constexpr std::size_t MOST_KEPT = 32;
	static std::mutex mutex;
	static std::map<std::string, std::shared_ptr<const SchemaValidator>> kept;
	auto sameReferences = [&resolver](const SchemaValidator& compiled) {
		return std::all_of(compiled._compiled->referenced.begin(), compiled._compiled->referenced.end(),
			[&resolver](const auto& document) { return resolver && resolver(document.first) == document.second; });
	};
	// Whatever the layout: the module's file and the one-line copy in its description are one schema.
	const std::string key = Json::compact(schemaText);
	{
		std::lock_guard<std::mutex> lock(mutex);
		const auto found = kept.find(key);
		if (found != kept.end() && sameReferences(*found->second)) return found->second;
	}
	// Compiled outside the lock: a slow schema does not hold up the others.
	auto compiled = std::make_shared<const SchemaValidator>(schemaText, resolver);
	std::lock_guard<std::mutex> lock(mutex);
	if (kept.size() < MOST_KEPT && !kept.count(key)) kept.emplace(key, compiled);
	return compiled;
}

std::string SchemaValidator::describe(const std::vector<std::string>& context, const std::string& description) const
{
	// Found by the place's path with the array indices left out.
	const std::string path = pathOf(context, "", [](const std::string&) { return std::string("[]"); });
	const bool isCombinator = description.rfind("Missing required property", 0) == 0
		|| description.rfind("Failed to validate against any child schemas allowed by oneOf", 0) == 0
		|| description.rfind("Target should not validate against schema specified in 'not'", 0) == 0;
	const auto message = _compiled->names.messages.find(path);
	if (isCombinator && message != _compiled->names.messages.end()) return message->second;
	const bool isEnum = description.rfind("Failed to match against any enum values", 0) == 0;
	const bool isType = description.rfind("Value type not permitted by 'type' constraint", 0) == 0;
	if (!isEnum && !isType) return description;
	const auto& names = isEnum ? _compiled->names.enums : _compiled->names.types;
	const auto found = names.find(path);
	if (found == names.end()) return description;
	return isEnum ? "must be one of " + found->second : "must be of type " + found->second;
}

std::vector<std::string> SchemaValidator::validate(const Poco::Dynamic::Var& value, const std::string& root) const
{
	std::vector<std::string> problems;
	findUnfitText(value, root, "", _compiled->names.printable, problems);
	if (!problems.empty()) return problems;
	valijson::ValidationResults results;
	valijson::adapters::PocoJsonAdapter adapter(value);
	// valijson::Validator::validate, with the patterns compiled before in place of an empty
	// cache of its own; what it compiles is kept for the next validation.
	std::unordered_map<std::string, std::regex> patterns;
	{
		std::lock_guard<std::mutex> lock(_compiled->patternsMutex);
		patterns = _compiled->patterns;
	}
	const std::size_t known = patterns.size();
	valijson::ValidationVisitor<valijson::adapters::PocoJsonAdapter> visitor(
		adapter, std::vector<std::string>(1, "<root>"), true, &results, patterns);
	bool valid = false;
	try
	{
		valid = visitor.validateSchema(_compiled->schema);
	}
	catch (const std::exception&)
	{
		// valijson throws where a schema and a value meet in a way it does not handle; the
		// value is refused rather than let through, and its text is not repeated.
		return {root + ": cannot be checked against its schema"};
	}
	if (patterns.size() > known)
	{
		std::lock_guard<std::mutex> lock(_compiled->patternsMutex);
		_compiled->patterns.insert(patterns.begin(), patterns.end());
	}
	if (valid) return problems;
	// valijson reports each failure again at every level above it ("Failed to validate against
	// schema associated with property name 'retry'."); those echoes say nothing new.
	auto isEcho = [](const std::string& description) {
		return description.rfind("Failed to validate against schema associated with property name", 0) == 0
			|| description.rfind("Failed to validate item #", 0) == 0
			|| description.rfind("Failed to validate against child schema #", 0) == 0
			|| description.rfind("Failed to validate against a conditional schema", 0) == 0;
	};
	std::vector<std::string> echoes;
	valijson::ValidationResults::Error error;
	while (results.popError(error))
	{
		std::string problem = pathOf(error.context, root) + ": " + describe(error.context, error.description);
		std::vector<std::string>& into = isEcho(error.description) ? echoes : problems;
		if (std::find(into.begin(), into.end(), problem) == into.end()) into.push_back(std::move(problem));
	}
	return problems.empty() ? echoes : problems;
}

}
} // namespace Falcon::Plugin
