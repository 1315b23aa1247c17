#include "InputTemplate.h"

#include "falcon/plugin/JsonValues.h"

#include <algorithm>

namespace Falcon {
namespace Workflow {

using Plugin::Json::asArray;
using Plugin::Json::asObject;

InputTemplate::InputTemplate() = default;

InputTemplate InputTemplate::compile(const Poco::Dynamic::Var& value, const std::string& path, const Parser& parse)
{
	InputTemplate compiled;
	compiled._kind = Kind::Literal;
	compiled._literal = value;
	if (value.isString())
	{
		const std::string& text = value.extract<std::string>();
		if (text.find("${{") == std::string::npos) return compiled;
		compiled._template = parse(text, path);
		if (compiled._template) compiled._kind = Kind::Expression;
	}
	else if (const auto object = asObject(value))
	{
		compiled._kind = Kind::Object;
		for (const auto& entry : *object)
			compiled._members.emplace_back(entry.first, compile(entry.second, path + "." + entry.first, parse));
	}
	else if (const auto array = asArray(value))
	{
		compiled._kind = Kind::Array;
		for (std::size_t i = 0; i < array->size(); ++i)
			compiled._elements.push_back(
				compile(array->get(static_cast<unsigned>(i)), path + "[" + std::to_string(i) + "]", parse));
	}
	// Without an expression inside, every attempt would build the same object or list again: the
	// value as written is given to each call instead (an action reads its input, never changes it).
	const auto literal = [](const InputTemplate& part) { return part._kind == Kind::Literal; };
	if ((compiled._kind == Kind::Object || compiled._kind == Kind::Array)
		&& std::all_of(compiled._members.begin(), compiled._members.end(),
			[&](const auto& member) { return literal(member.second); })
		&& std::all_of(compiled._elements.begin(), compiled._elements.end(), literal))
	{
		compiled._kind = Kind::Literal;
		compiled._members.clear();
		compiled._elements.clear();
	}
	return compiled;
}

std::optional<Poco::Dynamic::Var> InputTemplate::resolve(
	const EvaluationContext& context, const std::function<void(const Value&)>& secretMet) const
{
	switch (_kind)
	{
	case Kind::Expression:
	{
		const Value result = _template->evaluate(context);
		if (result.secret) secretMet(result);
		if (result.notGiven) return std::nullopt;
		return std::optional<Poco::Dynamic::Var>(result.data);
	}
	case Kind::Object:
	{
		Poco::JSON::Object::Ptr resolved = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		for (const auto& member : _members)
		{
			if (auto child = member.second.resolve(context, secretMet))
				Plugin::Json::put(*resolved, member.first, std::move(*child));
		}
		return Poco::Dynamic::Var(resolved);
	}
	case Kind::Array:
	{
		Poco::JSON::Array::Ptr resolved = new Poco::JSON::Array;
		for (const auto& element : _elements)
		{
			const auto child = element.resolve(context, secretMet);
			resolved->add(child ? *child : Poco::Dynamic::Var());
		}
		return Poco::Dynamic::Var(resolved);
	}
	case Kind::Literal: break;
	}
	return std::optional<Poco::Dynamic::Var>(_literal);
}

}
} // namespace Falcon::Workflow
