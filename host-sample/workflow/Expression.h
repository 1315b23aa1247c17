#pragma once

#include <Poco/Dynamic/Var.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace Falcon {
namespace Workflow {

/// A value an expression produced, and whether it came from a secret (then it is shown as ***
/// wherever it is logged or printed).
struct Value
{
	Poco::Dynamic::Var data; ///< empty: null (also what a missing path gives)
	bool secret = false;
	/// The path names a workflow input that was not given (not one given as null): a `with:`
	/// key that reads exactly this is left out, as if it were not written.
	bool notGiven = false;

	bool truthy() const;
	/// For interpolation into strings: null is "", strings as they are, the rest as JSON.
	std::string text() const;
};

/// What an expression can read and ask.
class EvaluationContext
{
public:
	virtual ~EvaluationContext() = default;
	/// The value at a path (`inputs.member_cid`, `steps.auth.outputs.body.access_token`);
	/// a missing path is null, never an error.
	virtual Value lookup(const std::vector<std::string>& path) const = 0;
	/// No step before this one failed (the default condition).
	virtual bool succeeded() const = 0;
	/// Some step before this one failed.
	virtual bool failed() const = 0;
	/// The run was cancelled (SIGINT).
	virtual bool cancelled() const = 0;
};

class ExpressionError: public std::runtime_error
{
public:
	using std::runtime_error::runtime_error;
};

/// The inside of `${{ ... }}`: dotted paths, literals ('text', "text", numbers, true, false,
/// null), == != < <= > >= && || ! and parentheses, and the functions succeeded(), failed(),
/// always(), cancelled(). A hand-written recursive-descent parser; it refuses (with the column)
/// rather than crashes on any input, and bounds its nesting.
class Expression
{
public:
	/// Throws ExpressionError naming the column and what was expected.
	static Expression parse(const std::string& text);

	/// Never throws: comparisons of unlike types are false, missing paths are null.
	Value evaluate(const EvaluationContext& context) const;

	/// Every path the expression reads, for load-time checks.
	const std::vector<std::vector<std::string>>& paths() const { return _paths; }
	/// True when it calls always() (a cleanup step that runs whatever happened).
	bool callsAlways() const { return _callsAlways; }
	/// True when it calls any of the status functions (it then decides on status itself).
	bool callsStatus() const { return _callsStatus; }

	struct Node;

private:
	std::shared_ptr<const Node> _root;
	std::vector<std::vector<std::string>> _paths;
	bool _callsAlways = false;
	bool _callsStatus = false;
};

/// A string that may hold `${{ ... }}` parts. A string that is exactly one expression keeps the
/// expression's type (an object, a number...); anything else is interpolated text.
class Template
{
public:
	static Template parse(const std::string& text);

	bool hasExpressions() const { return !_expressions.empty(); }
	Value evaluate(const EvaluationContext& context) const;
	const std::vector<Expression>& expressions() const { return _expressions; }

private:
	std::vector<std::string> _literals; ///< literal text around the expressions (size = expressions + 1)
	std::vector<Expression> _expressions;
};

}
} // namespace Falcon::Workflow
