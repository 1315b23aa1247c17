#pragma once

#include "Expression.h"

#include <Poco/Dynamic/Var.h>

#include <memory>
#include <string>
#include <vector>

namespace Falcon {
namespace Workflow {

/// A parsed expression's tree, shared by the parser that builds it and the evaluator.
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

using ExpressionNodePtr = std::shared_ptr<const Expression::Node>;

/// Parses the inside of `${{ ... }}` (at most 64 levels deep); every path read goes to `paths`,
/// and the flags say which status functions it calls. Throws ExpressionError with the column.
ExpressionNodePtr parseExpressionTree(
	const std::string& text, std::vector<std::vector<std::string>>& paths, bool& callsAlways, bool& callsStatus);

}
} // namespace Falcon::Workflow
