#include "Expression.h"

#include "QuotedText.h"

#include <Poco/Ascii.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <cmath>
#include <sstream>

namespace Falcon {
namespace Workflow {

namespace {

constexpr std::size_t MAX_LENGTH = 4096;
constexpr int MAX_DEPTH = 64;

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

struct Expression::Node
{
	enum class Kind
	{
		Literal,
		Path,
		Call,
		Not,
		Binary
	};
	Kind kind = Kind::Literal;
	Poco::Dynamic::Var literal;
	std::vector<std::string> path;
	std::string name; ///< function name or binary operator
	std::shared_ptr<const Node> left;
	std::shared_ptr<const Node> right;
};

namespace {

using Node = Expression::Node;
using NodePtr = std::shared_ptr<const Node>;

class Parser
{
public:
	explicit Parser(const std::string& text): _text(text) {}

	NodePtr parse(std::vector<std::vector<std::string>>& paths, bool& callsAlways, bool& callsStatus)
	{
		_paths = &paths;
		_callsAlways = &callsAlways;
		_callsStatus = &callsStatus;
		skipSpace();
		if (atEnd()) fail("an expression");
		NodePtr node = orExpression(0);
		skipSpace();
		if (!atEnd()) fail("an operator or the end of the expression");
		return node;
	}

private:
	[[noreturn]] void fail(const std::string& expected) const
	{
		const std::string found = atEnd() ? "the end" : Host::quoted(_text.substr(_position, 1));
		throw ExpressionError("column " + std::to_string(_position + 1) + ": expected " + expected + ", found " + found);
	}

	bool atEnd() const { return _position >= _text.size(); }
	char peek(std::size_t ahead = 0) const { return _position + ahead < _text.size() ? _text[_position + ahead] : '\0'; }
	void skipSpace()
	{
		while (!atEnd() && Poco::Ascii::isSpace(peek())) ++_position;
	}
	bool accept(const std::string& token)
	{
		skipSpace();
		if (_text.compare(_position, token.size(), token) != 0) return false;
		_position += token.size();
		return true;
	}

	static NodePtr binary(const std::string& op, NodePtr left, NodePtr right)
	{
		auto node = std::make_shared<Node>();
		node->kind = Node::Kind::Binary;
		node->name = op;
		node->left = std::move(left);
		node->right = std::move(right);
		return node;
	}

	void enter(int depth) const
	{
		if (depth > MAX_DEPTH) throw ExpressionError("column " + std::to_string(_position + 1) + ": nested too deeply (more than " + std::to_string(MAX_DEPTH) + " levels)");
	}

	NodePtr orExpression(int depth)
	{
		enter(depth);
		NodePtr node = andExpression(depth + 1);
		while (accept("||")) node = binary("||", node, andExpression(depth + 1));
		return node;
	}

	NodePtr andExpression(int depth)
	{
		enter(depth);
		NodePtr node = equality(depth + 1);
		while (accept("&&")) node = binary("&&", node, equality(depth + 1));
		return node;
	}

	NodePtr equality(int depth)
	{
		enter(depth);
		NodePtr node = comparison(depth + 1);
		for (;;)
		{
			if (accept("==")) node = binary("==", node, comparison(depth + 1));
			else if (accept("!=")) node = binary("!=", node, comparison(depth + 1));
			else return node;
		}
	}

	NodePtr comparison(int depth)
	{
		enter(depth);
		NodePtr node = unary(depth + 1);
		for (;;)
		{
			if (accept("<=")) node = binary("<=", node, unary(depth + 1));
			else if (accept(">=")) node = binary(">=", node, unary(depth + 1));
			else if (accept("<")) node = binary("<", node, unary(depth + 1));
			else if (accept(">")) node = binary(">", node, unary(depth + 1));
			else return node;
		}
	}

	NodePtr unary(int depth)
	{
		enter(depth);
		skipSpace();
		if (peek() == '!' && peek(1) != '=')
		{
			++_position;
			auto node = std::make_shared<Node>();
			node->kind = Node::Kind::Not;
			node->left = unary(depth + 1);
			return node;
		}
		return primary(depth + 1);
	}

	NodePtr primary(int depth)
	{
		enter(depth);
		skipSpace();
		if (atEnd()) fail("a value");
		const char c = peek();
		if (c == '(')
		{
			++_position;
			NodePtr node = orExpression(depth + 1);
			if (!accept(")")) fail("')'");
			return node;
		}
		if (c == '\'' || c == '"') return stringLiteral(c);
		if (Poco::Ascii::isDigit(c) || (c == '-' && Poco::Ascii::isDigit(peek(1)))) return numberLiteral();
		if (Poco::Ascii::isAlpha(c) || c == '_') return word();
		fail("a value");
	}

	NodePtr stringLiteral(char quote)
	{
		++_position;
		std::string value;
		for (;;)
		{
			if (atEnd()) fail(std::string("a closing ") + quote);
			const char c = _text[_position++];
			if (c == quote)
			{
				// A doubled quote stands for itself, as in GitHub Actions: 'it''s'.
				if (peek() == quote) { value += quote; ++_position; continue; }
				break;
			}
			value += c;
		}
		auto node = std::make_shared<Node>();
		node->literal = value;
		return node;
	}

	NodePtr numberLiteral()
	{
		const std::size_t start = _position;
		if (peek() == '-') ++_position;
		while (!atEnd() && (Poco::Ascii::isDigit(peek()) || peek() == '.')) ++_position;
		double number = 0;
		if (!Poco::NumberParser::tryParseFloat(_text.substr(start, _position - start), number)) fail("a number");
		auto node = std::make_shared<Node>();
		// Whole numbers within Int64 stay integers; converting a larger double would be undefined.
		const bool whole = std::fabs(number) < 9.2e18 && number == std::trunc(number);
		if (whole && _text.find('.', start) >= _position)
			node->literal = static_cast<Poco::Int64>(number);
		else
			node->literal = number;
		return node;
	}

	std::string identifier()
	{
		const std::size_t start = _position;
		while (!atEnd() && (Poco::Ascii::isAlphaNumeric(peek()) || peek() == '_' || peek() == '-')) ++_position;
		if (_position == start) fail("a name");
		return _text.substr(start, _position - start);
	}

	NodePtr word()
	{
		const std::string name = identifier();
		auto node = std::make_shared<Node>();
		if (name == "true" || name == "false") { node->literal = name == "true"; return node; }
		if (name == "null") return node;
		skipSpace();
		if (peek() == '(')
		{
			++_position;
			if (!accept(")")) fail("')' (the functions take no arguments)");
			if (name != "succeeded" && name != "failed" && name != "always" && name != "cancelled")
				throw ExpressionError("unknown function " + name + "() (succeeded, failed, always, cancelled)");
			if (name == "always") *_callsAlways = true;
			*_callsStatus = true;
			node->kind = Node::Kind::Call;
			node->name = name;
			return node;
		}
		node->kind = Node::Kind::Path;
		node->path.push_back(name);
		for (;;)
		{
			if (peek() == '.')
			{
				++_position;
				node->path.push_back(identifier());
			}
			else if (peek() == '[')
			{
				++_position;
				const std::size_t start = _position;
				while (Poco::Ascii::isDigit(peek())) ++_position;
				if (start == _position || peek() != ']') fail("an index and ']'");
				node->path.push_back(_text.substr(start, _position - start));
				++_position;
			}
			else break;
		}
		_paths->push_back(node->path);
		return node;
	}

	const std::string& _text;
	std::size_t _position = 0;
	std::vector<std::vector<std::string>>* _paths = nullptr;
	bool* _callsAlways = nullptr;
	bool* _callsStatus = nullptr;
};

int compareValues(const Poco::Dynamic::Var& a, const Poco::Dynamic::Var& b, bool& comparable)
{
	comparable = true;
	if (isNumber(a) && isNumber(b))
	{
		const double x = a.convert<double>(), y = b.convert<double>();
		return x < y ? -1 : x > y ? 1 : 0;
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
	case Node::Kind::Literal:
		return Value{node.literal, false};
	case Node::Kind::Path:
		return context.lookup(node.path);
	case Node::Kind::Call:
		if (node.name == "succeeded") return Value{context.succeeded(), false};
		if (node.name == "failed") return Value{context.failed(), false};
		if (node.name == "cancelled") return Value{context.cancelled(), false};
		return Value{true, false};
	case Node::Kind::Not:
		return Value{!evaluateNode(*node.left, context).truthy(), false};
	case Node::Kind::Binary:
		break;
	}
	if (node.name == "&&") return Value{evaluateNode(*node.left, context).truthy() && evaluateNode(*node.right, context).truthy(), false};
	if (node.name == "||") return Value{evaluateNode(*node.left, context).truthy() || evaluateNode(*node.right, context).truthy(), false};
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
	expression._root = Parser(text).parse(expression._paths, expression._callsAlways, expression._callsStatus);
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
		if (close == std::string::npos) throw ExpressionError("'${{' at character " + std::to_string(open + 1) + " is never closed with '}}'");
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
	if (_expressions.size() == 1 && _literals[0].empty() && _literals[1].empty()) return _expressions[0].evaluate(context);
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

} } // namespace Falcon::Workflow
