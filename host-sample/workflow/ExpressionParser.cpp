// The recursive-descent parser of expressions: it refuses, with the column, rather than crashes
// on any input, and bounds its nesting.

#include "ExpressionNode.h"

#include "QuotedText.h"

#include <Poco/Ascii.h>
#include <Poco/NumberParser.h>

namespace Falcon {
namespace Workflow {

namespace {

constexpr int MAX_DEPTH = 64;

using Node = Expression::Node;
using NodePtr = ExpressionNodePtr;

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
		throw ExpressionError(
			"column " + std::to_string(_position + 1) + ": expected " + expected + ", found " + found);
	}

	bool atEnd() const { return _position >= _text.size(); }
	char peek(std::size_t ahead = 0) const
	{
		return _position + ahead < _text.size() ? _text[_position + ahead] : '\0';
	}
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
		if (depth > MAX_DEPTH)
			throw ExpressionError("column " + std::to_string(_position + 1) + ": nested too deeply (more than "
				+ std::to_string(MAX_DEPTH) + " levels)");
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
				if (peek() == quote)
				{
					value += quote;
					++_position;
					continue;
				}
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
		if (whole && _text.find('.', start) >= _position) node->literal = static_cast<Poco::Int64>(number);
		else node->literal = number;
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
		if (name == "true" || name == "false")
		{
			node->literal = name == "true";
			return node;
		}
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

} // namespace

ExpressionNodePtr parseExpressionTree(
	const std::string& text, std::vector<std::vector<std::string>>& paths, bool& callsAlways, bool& callsStatus)
{
	return Parser(text).parse(paths, callsAlways, callsStatus);
}

}
} // namespace Falcon::Workflow
