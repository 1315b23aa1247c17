#include "RunContext.h"

#include "falcon/plugin/JsonValues.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <algorithm>

namespace Falcon {
namespace Workflow {

using Plugin::Json::asArray;
using Plugin::Json::asObject;

namespace {

bool prefixEither(const std::vector<std::string>& a, const std::vector<std::string>& b)
{
	const std::size_t n = std::min(a.size(), b.size());
	return std::equal(a.begin(), a.begin() + static_cast<long>(n), b.begin());
}

} // namespace

RunContext::RunContext(RunState& run, std::optional<Value> item, int index):
	_run(run), _item(std::move(item)), _index(index)
{
}

Value RunContext::lookup(const std::vector<std::string>& path) const
{
	Value value = find(path);
	if (value.secret && value.data.isString()) _run.mask.add(value.data.extract<std::string>());
	return value;
}

Poco::Dynamic::Var RunContext::navigate(
	const Poco::Dynamic::Var& value, const std::vector<std::string>& path, std::size_t from)
{
	const Poco::Dynamic::Var* found = locate(value, path, from);
	return found ? *found : Poco::Dynamic::Var();
}

const Poco::Dynamic::Var* RunContext::locate(
	const Poco::Dynamic::Var& value, const std::vector<std::string>& path, std::size_t from)
{
	// Object::get and Array::get return copies: the walk reads the values where they are stored.
	const Poco::Dynamic::Var* at = &value;
	for (std::size_t i = from; i < path.size() && !at->isEmpty(); ++i)
	{
		if (const auto object = asObject(*at))
		{
			at = Plugin::Json::memberOf(*object, path[i]);
			if (at) continue;
			for (const auto& entry : *object)
			{
				if (Poco::icompare(entry.first, path[i]) == 0)
				{
					at = &entry.second;
					break;
				}
			}
			if (!at) return nullptr;
		}
		else if (const auto array = asArray(*at))
		{
			unsigned index = 0;
			if (!Poco::NumberParser::tryParseUnsigned(path[i], index) || index >= array->size()) return nullptr;
			at = &*(array->begin() + index);
		}
		else
		{
			return nullptr;
		}
	}
	return at;
}

Value RunContext::find(const std::vector<std::string>& path) const
{
	const std::string& root = path.front();
	if (root == "item") return _item ? Value{navigate(_item->data, path, 1), _item->secret} : Value{};
	if (root == "index") return _index >= 0 ? Value{_index, false} : Value{};
	if (root == "inputs" && path.size() >= 2)
	{
		const auto declared = _run.workflow.inputs.find(path[1]);
		const bool secret = declared != _run.workflow.inputs.end() && declared->second.secret;
		return Value{navigate(_run.inputs, path, 1), secret, path.size() == 2 && !_run.inputs->has(path[1])};
	}
	if (root == "env" && path.size() >= 2)
	{
		const auto it = _run.env.find(path[1]);
		return it == _run.env.end() ? Value{} : it->second;
	}
	if (root == "steps" && path.size() >= 3) return stepValue(path);
	return {};
}

Value RunContext::stepValue(const std::vector<std::string>& path) const
{
	const StepDefinition* step = _run.stepNamed(path[1]);
	const auto state = step ? _run.stateOf(*step) : nullptr;
	if (!state) return {};
	const std::string& field = path[2];
	if (field == "status") return Value{state->status, false};
	if (field == "attempts") return Value{state->attempts, false};
	if (field == "error") return Value{navigate(state->error, path, 3), false};
	if (field != "outputs") return {};
	// Secret when the path leads to (or into, or around) an x-secret field of the output.
	std::vector<std::string> inside(path.begin() + 3, path.end());
	if (step->loops() && !inside.empty()) inside.erase(inside.begin());
	bool secret = false;
	for (const auto& secretPath : step->secretOutputPaths) secret = secret || prefixEither(inside, secretPath);
	return Value{navigate(state->outputs, path, 3), secret};
}

}
} // namespace Falcon::Workflow
