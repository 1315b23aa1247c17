#include "Expression.h"

#include "ExpressionNode.h"

#include "QuotedText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/String.h>

#include <cmath>
#include <sstream>

namespace Falcon {
namespace Workflow {

namespace {

constexpr std::size_t MAX_LENGTH = 4096;

bool isNumber(const Poco::Dynamic::Var& value)
{
	return !value.isEmpty() && value.isNumeric() && !value.isBoolean();
}

} // namespace

bool Value::truthy() const
{
	if (data.isEmpty()) return false;
	if (data.isBoolean()) return data.extract<bool>();
	if (isNumber(data)) return data.convert<double>() != 0;
	if (data.isString()) return !data.extract<std::string>().empty();
	return true;
}

std::string Value::text() const
{
	if (data.isEmpty()) return {};
	if (data.isString()) return data.extract<std::string>();
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(data, out);
	return out.str();
}

namespace {

using Node = Expression::Node;

int compareValues(const Poco::Dynamic::Var& a, const Poco::Dynamic::Var& b, bool& comparable)
{
	comparable = true;
	if (isNumber(a) && isNumber(b))
	{
		const double x = a.convert<double>(), y = b.convert<double>();
		if (x < y) return -1;
		return x > y ? 1 : 0;
	}
	if (a.isString() && b.isString()) return a.extract<std::string>().compare(b.extract<std::string>());
	comparable = false;
	return 0;
}

bool equalValues(const Poco::Dynamic::Var& a, const Poco::Dynamic::Var& b)
{
	if (a.isEmpty() || b.isEmpty()) return a.isEmpty() && b.isEmpty();
	if (a.isBoolean() || b.isBoolean()) return a.isBoolean() && b.isBoolean() && a.extract<bool>() == b.extract<bool>();
	bool comparable = false;
	const int order = compareValues(a, b, comparable);
	if (comparable) return order == 0;
	if (isNumber(a) || isNumber(b) || a.isString() || b.isString()) return false; // unlike types
	return Value{a}.text() == Value{b}.text(); // objects and arrays: by their JSON
}

Value evaluateNode(const Node& node, const EvaluationContext& context)
{
	switch (node.kind)
	{
	case Node::Kind::Literal: return Value{node.literal, false};
	case Node::Kind::Path: return context.lookup(node.path);
	case Node::Kind::Call:
		if (node.name == "succeeded") return Value{context.succeeded(), false};
		if (node.name == "failed") return Value{context.failed(), false};
		if (node.name == "cancelled") return Value{context.cancelled(), false};
		return Value{true, false};
	case Node::Kind::Not: return Value{!evaluateNode(*node.left, context).truthy(), false};
	case Node::Kind::Binary: break;
	}
	if (node.name == "&&")
		return Value{evaluateNode(*node.left, context).truthy() && evaluateNode(*node.right, context).truthy(), false};
	if (node.name == "||")
		return Value{evaluateNode(*node.left, context).truthy() || evaluateNode(*node.right, context).truthy(), false};
	const Value left = evaluateNode(*node.left, context);
	const Value right = evaluateNode(*node.right, context);
	if (node.name == "==") return Value{equalValues(left.data, right.data), false};
	if (node.name == "!=") return Value{!equalValues(left.data, right.data), false};
	bool comparable = false;
	const int order = compareValues(left.data, right.data, comparable);
	if (!comparable) return Value{false, false};
	if (node.name == "<") return Value{order < 0, false};
	if (node.name == "<=") return Value{order <= 0, false};
	if (node.name == ">") return Value{order > 0, false};
	return Value{order >= 0, false};
}

} // namespace

Expression Expression::parse(const std::string& text)
{
	if (text.size() > MAX_LENGTH) throw ExpressionError("longer than " + std::to_string(MAX_LENGTH) + " characters");
	Expression expression;
	expression._root = parseExpressionTree(text, expression._paths, expression._callsAlways, expression._callsStatus);
	return expression;
}

Value Expression::evaluate(const EvaluationContext& context) const
{
	try
	{
		return evaluateNode(*_root, context);
	}
	catch (const std::exception&)
	{
		// A conversion Poco refuses: the expression is false/null rather than a crash.
		return Value{};
	}
}

Template Template::parse(const std::string& text)
{
	Template result;
	std::string::size_type position = 0;
	for (;;)
	{
		const auto open = text.find("${{", position);
		if (open == std::string::npos)
		{
			result._literals.push_back(text.substr(position));
			return result;
		}
		const auto close = text.find("}}", open + 3);
		if (close == std::string::npos)
			throw ExpressionError("'${{' at character " + std::to_string(open + 1) + " is never closed with '}}'");
		result._literals.push_back(text.substr(position, open - position));
		const std::string inner = text.substr(open + 3, close - open - 3);
		try
		{
			result._expressions.push_back(Expression::parse(inner));
		}
		catch (const ExpressionError& e)
		{
			throw ExpressionError("in " + Host::quoted("${{" + inner + "}}") + ": " + e.what());
		}
		position = close + 2;
	}
}

Value Template::evaluate(const EvaluationContext& context) const
{
	if (_expressions.empty()) return Value{_literals.front(), false};
	if (_expressions.size() == 1 && _literals[0].empty() && _literals[1].empty())
		return _expressions[0].evaluate(context);
	Value result{std::string(), false};
	std::string text = _literals[0];
	for (std::size_t i = 0; i < _expressions.size(); ++i)
	{
		const Value part = _expressions[i].evaluate(context);
		result.secret = result.secret || part.secret;
		text += part.text() + _literals[i + 1];
	}
	result.data = text;
	return result;
}

}
} // namespace Falcon::Workflow
