#include "falcon/plugin/SchemaValidator.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <valijson/adapters/poco_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>

namespace Falcon {
namespace Plugin {

struct SchemaValidator::Compiled
{
	valijson::Schema schema;
};

namespace {

/// Well-formed UTF-8: no stray continuation bytes, overlong forms, surrogates or code points
/// past U+10FFFF.
bool isUtf8(const std::string& text)
{
	const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
	const std::size_t size = text.size();
	for (std::size_t i = 0; i < size;)
	{
		const unsigned char lead = bytes[i];
		std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
		if (length == 0 || i + length > size) return false;
		unsigned long codePoint = length == 1 ? lead : lead & (0x7F >> length);
		for (std::size_t k = 1; k < length; ++k)
		{
			if ((bytes[i + k] & 0xC0) != 0x80) return false;
			codePoint = (codePoint << 6) | (bytes[i + k] & 0x3F);
		}
		const unsigned long smallest[] = {0, 0, 0x80, 0x800, 0x10000};
		if (codePoint < smallest[length] || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) return false;
		i += length;
	}
	return true;
}

/// Every string (and key) that is not UTF-8, by path. valijson counts characters of strings
/// assuming they are, and reads past its tables on some that are not.
void findNonUtf8(const Poco::Dynamic::Var& value, const std::string& path, std::vector<std::string>& problems)
{
	if (value.type() == typeid(std::string))
	{
		if (!isUtf8(value.extract<std::string>())) problems.push_back(path + ": is not valid UTF-8 text");
	}
	else if (value.type() == typeid(Poco::JSON::Object::Ptr))
	{
		const auto& object = value.extract<Poco::JSON::Object::Ptr>();
		if (!object) return;
		for (const auto& member : *object)
		{
			if (!isUtf8(member.first)) problems.push_back(path + ": has a key that is not valid UTF-8 text");
			else findNonUtf8(member.second, path + "." + member.first, problems);
		}
	}
	else if (value.type() == typeid(Poco::JSON::Array::Ptr))
	{
		const auto& array = value.extract<Poco::JSON::Array::Ptr>();
		if (!array) return;
		for (std::size_t i = 0; i < array->size(); ++i) findNonUtf8(array->get(static_cast<unsigned>(i)), path + "[" + std::to_string(i) + "]", problems);
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
std::string pathOf(const std::vector<std::string>& context, const std::string& root)
{
	std::string path = root;
	for (std::size_t i = 1; i < context.size(); ++i)
	{
		std::string part = context[i];
		if (part.size() >= 2 && part.front() == '[' && part.back() == ']') part = part.substr(1, part.size() - 2);
		const bool index = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
		path += index ? "[" + part + "]" : "." + part;
	}
	return path;
}

/// The node a local reference ("#", "#/definitions/a") points to in `document`, or empty. Read
/// exactly as valijson reads it (its chains are what must not loop): per token "~1" and "~0"
/// first, then %-escapes; empty tokens are skipped; an array index is read with std::stoul.
Poco::Dynamic::Var resolveLocal(const Poco::Dynamic::Var& document, const std::string& reference)
{
	Poco::Dynamic::Var node = document;
	const std::string pointer = reference.substr(1);
	if (!pointer.empty() && pointer.front() != '/') return {};
	for (std::size_t start = 1; start <= pointer.size();)
	{
		const std::size_t slash = std::min(pointer.find('/', start), pointer.size());
		std::string token = pointer.substr(start, slash - start);
		start = slash + 1;
		Poco::replaceInPlace(token, std::string("~1"), std::string("/"));
		Poco::replaceInPlace(token, std::string("~0"), std::string("~"));
		for (std::size_t percent = token.find('%'); percent != std::string::npos; percent = token.find('%', percent + 1))
		{
			unsigned value = 0;
			if (percent + 3 > token.size() || !Poco::NumberParser::tryParseHex(token.substr(percent + 1, 2), value)) return {};
			token.replace(percent, 3, 1, static_cast<char>(value));
		}
		if (token.empty()) continue;
		if (node.type() == typeid(Poco::JSON::Object::Ptr))
		{
			const auto& object = node.extract<Poco::JSON::Object::Ptr>();
			if (!object || !object->has(token)) return {};
			node = object->get(token);
		}
		else if (node.type() == typeid(Poco::JSON::Array::Ptr))
		{
			const auto& array = node.extract<Poco::JSON::Array::Ptr>();
			unsigned long index = 0;
			try
			{
				index = std::stoul(token);
			}
			catch (const std::exception&)
			{
				return {};
			}
			if (!array || index >= array->size()) return {};
			node = array->get(static_cast<unsigned>(index));
		}
		else
		{
			return {};
		}
	}
	return node;
}

std::string referenceOf(const Poco::Dynamic::Var& node)
{
	if (node.type() != typeid(Poco::JSON::Object::Ptr)) return "";
	const auto& object = node.extract<Poco::JSON::Object::Ptr>();
	return object && object->has("$ref") && object->get("$ref").isString() ? object->getValue<std::string>("$ref") : "";
}

/// valijson follows a chain of bare references ({"$ref": ...} leading to {"$ref": ...}) without
/// a bound: a chain that loops, or one from the root that leaves the document, overflows the
/// stack. Refuse those before it sees them.
void checkReferenceChains(const Poco::Dynamic::Var& document, const Poco::Dynamic::Var& node, bool isRoot)
{
	std::string reference = referenceOf(node);
	std::vector<std::string> visited;
	bool fromRoot = isRoot;
	while (!reference.empty())
	{
		if (reference.front() != '#')
		{
			if (fromRoot) throw Poco::DataFormatException("the schema's root is a reference to another document (" + reference + "); write it as {\"allOf\": [{\"$ref\": ...}]}");
			break;
		}
		if (std::find(visited.begin(), visited.end(), reference) != visited.end())
			throw Poco::DataFormatException("the schema's references loop without reaching a schema: " + reference);
		visited.push_back(reference);
		fromRoot = fromRoot || reference == "#";
		reference = referenceOf(resolveLocal(document, reference));
	}
	if (node.type() == typeid(Poco::JSON::Object::Ptr))
	{
		const auto& object = node.extract<Poco::JSON::Object::Ptr>();
		if (object) for (const auto& member : *object) checkReferenceChains(document, member.second, false);
	}
	else if (node.type() == typeid(Poco::JSON::Array::Ptr))
	{
		const auto& array = node.extract<Poco::JSON::Array::Ptr>();
		if (array) for (const auto& element : *array) checkReferenceChains(document, element, false);
	}
}

/// valijson checks `pattern` (and the date/time formats) with std::regex, whose matcher recurses
/// once per character: a long enough string overflows the stack (16,000 characters on a 1 MiB
/// thread stack), and valijson checks the pattern even when `maxLength` already failed. So every
/// pattern must come with a maxLength, and is rewritten to apply only to strings within it:
/// {"maxLength": N, "pattern": P} -> {"maxLength": N, "allOf": [{"if": {"type": "string", "maxLength": N}, "then": {"pattern": P}}]}.
/// A pattern that recurses per character needs up to ~500 bytes of stack per character: 2,048
/// characters fit a 1 MiB thread stack (glibc's default is 8 MiB).
constexpr unsigned MAX_MATCHED_LENGTH = 2048;

void guardPatterns(Poco::Dynamic::Var& node, const std::string& pointer)
{
	if (node.type() == typeid(Poco::JSON::Array::Ptr))
	{
		const auto array = node.extract<Poco::JSON::Array::Ptr>();
		if (!array) return;
		for (std::size_t i = 0; i < array->size(); ++i)
		{
			Poco::Dynamic::Var element = array->get(static_cast<unsigned>(i));
			guardPatterns(element, pointer + "/" + std::to_string(i));
		}
		return;
	}
	if (node.type() != typeid(Poco::JSON::Object::Ptr)) return;
	Poco::JSON::Object::Ptr object = node.extract<Poco::JSON::Object::Ptr>();
	if (!object) return;
	std::vector<std::string> names;
	object->getNames(names);
	for (const std::string& name : names)
	{
		// Values, not schemas: a "pattern" in there is data.
		if (name == "enum" || name == "const" || name == "default" || name == "examples") continue;
		Poco::Dynamic::Var child = object->get(name);
		guardPatterns(child, pointer + "/" + name);
	}
	if (object->has("patternProperties"))
		throw Poco::DataFormatException("the schema uses patternProperties at " + (pointer.empty() ? "#" : "#" + pointer) + ": not supported (its regexes run on property names of any length)");
	// valijson matches `format` date, time and date-time with std::regex too.
	for (const char* keyword : {"pattern", "format"})
	{
		if (!object->has(keyword) || !object->get(keyword).isString()) continue;
		if (std::string(keyword) == "format" && object->getValue<std::string>(keyword).find("date") == std::string::npos
			&& object->getValue<std::string>(keyword) != "time") continue;
		if (!object->has("maxLength") || !object->get("maxLength").isNumeric() || object->getValue<double>("maxLength") > MAX_MATCHED_LENGTH)
			throw Poco::DataFormatException("the schema has a " + std::string(keyword) + " without a maxLength of at most " + std::to_string(MAX_MATCHED_LENGTH)
				+ " at " + (pointer.empty() ? "#" : "#" + pointer) + " (longer strings could overflow the regex matcher)");
		// Only strings: pattern and format say nothing about other values, and valijson's format
		// check would read a number as a string and throw.
		Poco::JSON::Object::Ptr within = new Poco::JSON::Object;
		within->set("type", "string");
		within->set("maxLength", object->get("maxLength"));
		Poco::JSON::Object::Ptr matched = new Poco::JSON::Object;
		matched->set(keyword, object->get(keyword));
		Poco::JSON::Object::Ptr guarded = new Poco::JSON::Object;
		guarded->set("if", within);
		guarded->set("then", matched);
		Poco::JSON::Array::Ptr allOf = object->has("allOf") && object->get("allOf").type() == typeid(Poco::JSON::Array::Ptr)
			? object->getArray("allOf") : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
		allOf->add(guarded);
		object->set("allOf", allOf);
		object->remove(keyword);
	}
}

} // namespace

SchemaValidator::SchemaValidator(const std::string& schemaText, const Resolver& resolver):
	_compiled(std::make_unique<Compiled>())
{
	Poco::Dynamic::Var document = parse(schemaText, "the schema");
	checkReferenceChains(document, document, true);
	guardPatterns(document, "");
	valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
	valijson::adapters::PocoJsonAdapter adapter(document);
	auto fetch = [&resolver](const std::string& uri) -> const Poco::Dynamic::Var* {
		const std::string text = resolver ? resolver(uri) : std::string();
		if (text.empty()) throw Poco::DataFormatException("the schema refers to an unknown document: " + uri);
		auto* fetched = new Poco::Dynamic::Var(parse(text, uri));
		checkReferenceChains(*fetched, *fetched, true);
		guardPatterns(*fetched, "");
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

std::vector<std::string> SchemaValidator::validate(const Poco::Dynamic::Var& value, const std::string& root) const
{
	std::vector<std::string> problems;
	findNonUtf8(value, root, problems);
	if (!problems.empty()) return problems;
	valijson::Validator validator;
	valijson::ValidationResults results;
	valijson::adapters::PocoJsonAdapter adapter(value);
	try
	{
		if (validator.validate(_compiled->schema, adapter, &results)) return problems;
	}
	catch (const std::exception&)
	{
		// valijson throws where a schema and a value meet in a way it does not handle; the
		// value is refused rather than let through, and its text is not repeated.
		return {root + ": cannot be checked against its schema"};
	}
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
		std::string problem = pathOf(error.context, root) + ": " + error.description;
		std::vector<std::string>& into = isEcho(error.description) ? echoes : problems;
		if (std::find(into.begin(), into.end(), problem) == into.end()) into.push_back(std::move(problem));
	}
	return problems.empty() ? echoes : problems;
}

} } // namespace Falcon::Plugin
