#pragma once

#include "Expression.h"

#include <Poco/Dynamic/Var.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Falcon {
namespace Workflow {

/// A step's `with:` as loaded: literal values kept as they are, and every string that holds
/// `${{ ... }}` parsed once, when the workflow is loaded, rather than on every attempt.
class InputTemplate
{
public:
	/// Parses one string of `with:` (at `path`); nothing when it does not parse (the parser
	/// reports why), and the string then stays literal.
	using Parser = std::function<std::optional<Template>(const std::string& text, const std::string& path)>;

	/// An empty object: a step without `with:`.
	InputTemplate();

	static InputTemplate compile(const Poco::Dynamic::Var& value, const std::string& path, const Parser& parse);

	/// The value with its expressions evaluated. Nothing when it reads exactly an optional input
	/// that was not given: such a key is left out of its object, as if it were not written. Any
	/// other null stays null, for the action's schema to refuse where a value belongs ("the lookup
	/// found no child CID" must not become "no child CID" and mint the parent's token).
	/// `secretMet` gets every value that came from a secret.
	std::optional<Poco::Dynamic::Var> resolve(
		const EvaluationContext& context, const std::function<void(const Value&)>& secretMet) const;

private:
	enum class Kind
	{
		Literal,
		Expression,
		Object,
		Array
	};

	Kind _kind = Kind::Object;
	Poco::Dynamic::Var _literal;
	std::optional<Template> _template;
	std::vector<std::pair<std::string, InputTemplate>> _members;
	std::vector<InputTemplate> _elements;
};

}
} // namespace Falcon::Workflow
