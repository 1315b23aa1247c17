#include "SchemaGuard.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <algorithm>
#include <string>
#include <vector>

namespace Falcon {
namespace Plugin {

namespace {

/// A pattern that recurses per character needs up to ~500 bytes of stack per character: 2,048
/// characters fit a 1 MiB thread stack (glibc's default is 8 MiB).
constexpr unsigned MAX_MATCHED_LENGTH = 2048;

std::string place(const std::string& pointer)
{
	return pointer.empty() ? "#" : "#" + pointer;
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
		for (std::size_t percent = token.find('%'); percent != std::string::npos;
			 percent = token.find('%', percent + 1))
		{
			unsigned value = 0;
			if (percent + 3 > token.size() || !Poco::NumberParser::tryParseHex(token.substr(percent + 1, 2), value))
				return {};
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

/// Follows the chain of bare references starting at `node`.
void checkReferenceChain(const Poco::Dynamic::Var& document, const Poco::Dynamic::Var& node, bool isRoot)
{
	std::string reference = referenceOf(node);
	std::vector<std::string> visited;
	bool fromRoot = isRoot;
	while (!reference.empty())
	{
		if (reference.front() != '#')
		{
			if (fromRoot)
				throw Poco::DataFormatException("the schema's root is a reference to another document (" + reference
					+ "); write it as {\"allOf\": [{\"$ref\": ...}]}");
			return;
		}
		if (std::find(visited.begin(), visited.end(), reference) != visited.end())
			throw Poco::DataFormatException("the schema's references loop without reaching a schema: " + reference);
		visited.push_back(reference);
		fromRoot = fromRoot || reference == "#";
		reference = referenceOf(resolveLocal(document, reference));
	}
}

bool matchedByRegex(const char* keyword, const std::string& value)
{
	// valijson matches these formats with std::regex too; the others it does not check.
	return std::string(keyword) == "pattern" || value == "date" || value == "time" || value == "date-time";
}

/// {"maxLength": N, "pattern": P} -> {"maxLength": N, "allOf": [{"if": {"type": "string",
/// "maxLength": N}, "then": {"pattern": P}}]}. Only strings: pattern and format say nothing about
/// other values, and valijson's format check would read a number as a string and throw.
void guardMatching(Poco::JSON::Object::Ptr object, const std::string& pointer)
{
	if (object->has("patternProperties"))
		throw Poco::DataFormatException("the schema uses patternProperties at " + place(pointer)
			+ ": not supported (its regexes run on property names of any length)");
	for (const char* keyword : {"pattern", "format"})
	{
		if (!object->has(keyword) || !object->get(keyword).isString()
			|| !matchedByRegex(keyword, object->getValue<std::string>(keyword)))
			continue;
		if (!object->has("maxLength") || !object->get("maxLength").isNumeric()
			|| object->getValue<double>("maxLength") > MAX_MATCHED_LENGTH)
			throw Poco::DataFormatException("the schema has a " + std::string(keyword)
				+ " without a maxLength of at most " + std::to_string(MAX_MATCHED_LENGTH) + " at " + place(pointer)
				+ " (longer strings could overflow the regex matcher)");
		Poco::JSON::Object::Ptr within = new Poco::JSON::Object;
		within->set("type", "string");
		within->set("maxLength", object->get("maxLength"));
		Poco::JSON::Object::Ptr matched = new Poco::JSON::Object;
		matched->set(keyword, object->get(keyword));
		Poco::JSON::Object::Ptr guarded = new Poco::JSON::Object;
		guarded->set("if", within);
		guarded->set("then", matched);
		Poco::JSON::Array::Ptr allOf = object->get("allOf").type() == typeid(Poco::JSON::Array::Ptr)
			? object->getArray("allOf")
			: Poco::JSON::Array::Ptr(new Poco::JSON::Array);
		allOf->add(guarded);
		object->set("allOf", allOf);
		object->remove(keyword);
	}
}

/// One walk over the schema: every node's reference chain, then (children first) its patterns.
void guardNode(const Poco::Dynamic::Var& document, const Poco::Dynamic::Var& node, const std::string& pointer)
{
	checkReferenceChain(document, node, pointer.empty());
	if (node.type() == typeid(Poco::JSON::Array::Ptr))
	{
		const auto& array = node.extract<Poco::JSON::Array::Ptr>();
		if (!array) return;
		for (std::size_t i = 0; i < array->size(); ++i)
			guardNode(document, array->get(static_cast<unsigned>(i)), pointer + "/" + std::to_string(i));
		return;
	}
	if (node.type() != typeid(Poco::JSON::Object::Ptr)) return;
	const Poco::JSON::Object::Ptr object = node.extract<Poco::JSON::Object::Ptr>();
	if (!object) return;
	std::vector<std::string> names;
	object->getNames(names); // a copy: guardMatching changes the object
	for (const std::string& name : names)
	{
		// Values, not schemas: a "pattern" or "$ref" in there is data.
		if (name == "enum" || name == "const" || name == "default" || name == "examples") continue;
		guardNode(document, object->get(name), pointer + "/" + name);
	}
	guardMatching(object, pointer);
}

} // namespace

void guardSchema(Poco::Dynamic::Var& document)
{
	guardNode(document, document, "");
}

}
} // namespace Falcon::Plugin
