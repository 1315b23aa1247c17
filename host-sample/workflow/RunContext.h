#pragma once

#include "Expression.h"
#include "RunState.h"

#include <optional>

namespace Falcon {
namespace Workflow {

/// What an expression of a running workflow reads: inputs, env, earlier steps, and inside a
/// for_each the item and its index. A secret value read is added to the run's mask at once.
class RunContext: public EvaluationContext
{
public:
	explicit RunContext(RunState& run, std::optional<Value> item = std::nullopt, int index = -1);

	Value lookup(const std::vector<std::string>& path) const override;
	bool succeeded() const override { return !_run.failed(); }
	bool failed() const override { return _run.failed(); }
	bool cancelled() const override { return _run.cancelled(); }

	/// Follows `path` from `from` into `value`: object keys (exact, then case-insensitive, as
	/// HTTP header names are) and array indexes. A missing step is null.
	static Poco::Dynamic::Var navigate(
		const Poco::Dynamic::Var& value, const std::vector<std::string>& path, std::size_t from);
	/// Where `navigate` ends, inside `value` (no copy made; valid while `value` is unchanged), or
	/// null when a step is missing.
	static const Poco::Dynamic::Var* locate(
		const Poco::Dynamic::Var& value, const std::vector<std::string>& path, std::size_t from);

private:
	Value find(const std::vector<std::string>& path) const;
	Value stepValue(const std::vector<std::string>& path) const;

	RunState& _run;
	std::optional<Value> _item;
	int _index;
};

}
} // namespace Falcon::Workflow
