#include "YamlDocument.h"

#include "QuotedText.h"
#include "WorkflowLoader.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>
#include <Poco/RegularExpression.h>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <sstream>

namespace Falcon {
namespace Workflow {

namespace {

/// Counts the values `node` stands for once its aliases are expanded, stopping at the budget:
/// a few hundred bytes of nested aliases stand for billions (a "billion laughs" file), which no
/// tree may be built from. Returns the node where the budget ran out, if it did.
std::optional<YAML::Node> exceedsBudget(const YAML::Node& node, std::size_t& budget, int depth = 0)
{
	if (budget == 0) return node;
	--budget;
	if (depth > YamlDocument::MAX_DEPTH || !(node.IsMap() || node.IsSequence()))
		return std::nullopt; // the converter reports depth
	for (const auto& entry : node)
	{
		const YAML::Node child = node.IsMap() ? YAML::Node(entry.second) : YAML::Node(entry);
		if (auto stopped = exceedsBudget(child, budget, depth + 1)) return stopped;
	}
	return std::nullopt;
}

/// Where a second YAML document with content starts, if the text holds one. Reads the events of
/// the first two documents only: yaml-cpp's LoadAll can take a malformed text for endless empty
/// documents and never return.
std::optional<YAML::Mark> secondDocument(const std::string& yaml)
{
	class Content: public YAML::EventHandler
	{
	public:
		YAML::Mark start;
		bool found = false;

		void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
		void OnDocumentEnd() override {}
		void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
		void OnAlias(const YAML::Mark&, YAML::anchor_t) override { found = true; }
		void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override
		{
			found = true;
		}
		void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
		{
			found = true;
		}
		void OnSequenceEnd() override {}
		void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
		{
			found = true;
		}
		void OnMapEnd() override {}
	};
	std::istringstream in(yaml);
	YAML::Parser parser(in);
	Content first;
	Content second;
	if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second) || !second.found) return std::nullopt;
	return second.start;
}

/// YAML 1.2 core schema for plain scalars; quoted ones stay strings.
Poco::Dynamic::Var scalar(const YAML::Node& node)
{
	const std::string& text = node.Scalar();
	if (node.Tag() == "!") return text;
	if (text == "true" || text == "True" || text == "TRUE") return true;
	if (text == "false" || text == "False" || text == "FALSE") return false;
	if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return {};
	static const Poco::RegularExpression integer("^[-+]?[0-9]+$");
	static const Poco::RegularExpression floating("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
	Poco::Int64 whole = 0;
	if (integer.match(text) && Poco::NumberParser::tryParse64(text, whole)) return whole;
	double number = 0;
	if (floating.match(text) && Poco::NumberParser::tryParseFloat(text, number)) return number;
	return text;
}

Poco::Dynamic::Var convert(const YAML::Node& node, const NodePath& path, YamlDocument& into, int depth = 0)
{
	into.marks.emplace(path.str(), node.Mark());
	if (depth > YamlDocument::MAX_DEPTH)
	{
		into.problems.emplace_back(node.Mark(),
			path.shown() + ": nested more than " + std::to_string(YamlDocument::MAX_DEPTH) + " levels deep");
		return {};
	}
	switch (node.Type())
	{
	case YAML::NodeType::Map:
	{
		Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		for (const auto& entry : node)
		{
			if (!entry.first.IsScalar())
			{
				into.problems.emplace_back(entry.first.Mark(), path.shown() + ": keys must be plain names");
				continue;
			}
			const std::string key = entry.first.Scalar();
			if (object->has(key))
				into.problems.emplace_back(
					entry.first.Mark(), path.shown() + ": " + Host::quoted(key) + " is given twice");
			into.marks.emplace((path / key).str(), entry.first.Mark());
			object->set(key, convert(entry.second, path / key, into, depth + 1));
		}
		return object;
	}
	case YAML::NodeType::Sequence:
	{
		Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
		for (std::size_t i = 0; i < node.size(); ++i) array->add(convert(node[i], path[i], into, depth + 1));
		return array;
	}
	case YAML::NodeType::Scalar: return scalar(node);
	default: return {};
	}
}

} // namespace

YamlDocument YamlDocument::parse(const std::string& yaml, const std::string& fileName, std::size_t maxNodes)
{
	YAML::Node node;
	try
	{
		node = YAML::Load(yaml);
		if (const auto second = secondDocument(yaml))
			throw WorkflowInvalid({Problems::located(fileName, *second,
				"a second YAML document: a workflow file holds one (remove the '---' line or split the file)")});
	}
	catch (const YAML::Exception& e)
	{
		throw WorkflowInvalid({Problems::located(fileName, e.mark, "YAML syntax: " + e.msg)});
	}
	std::size_t budget = maxNodes;
	if (const auto stopped = exceedsBudget(node, budget))
	{
		throw WorkflowInvalid({Problems::located(fileName, stopped->Mark(),
			"the file stands for more than " + std::to_string(maxNodes)
				+ " values once its aliases are expanded; refused before expanding it")});
	}
	YamlDocument document;
	document.root = convert(node, NodePath(), document);
	return document;
}

}
} // namespace Falcon::Workflow
