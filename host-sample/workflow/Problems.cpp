#include "Problems.h"

#include "QuotedText.h"

#include <algorithm>

namespace Falcon {
namespace Workflow {

std::string NodePath::shown() const
{
	const std::string prefix = std::string(ROOT) + ".";
	if (_text.compare(0, prefix.size(), prefix) == 0) return _text.substr(prefix.size());
	return _text == ROOT ? "the workflow" : _text;
}

bool NodePath::up()
{
	const auto cut = _text.find_last_of(".[");
	if (cut == std::string::npos || cut == 0) return false;
	_text.erase(cut);
	return true;
}

std::string Problems::located(const std::string& fileName, const YAML::Mark& mark, const std::string& message)
{
	return Host::printable(
		fileName + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": " + message);
}

void Problems::addAt(const YAML::Mark& mark, const std::string& message)
{
	const std::string line = located(_fileName, mark, message);
	if (std::find(_list.begin(), _list.end(), line) == _list.end()) _list.push_back(line);
}

void Problems::addValidatorProblem(const std::string& problem, const std::string& lead)
{
	const auto colon = problem.find(": ");
	const NodePath where(problem.substr(0, colon));
	add(where, lead + where.shown() + (colon == std::string::npos ? "" : problem.substr(colon)));
}

YAML::Mark Problems::markOf(NodePath path) const
{
	do
	{
		const auto it = _marks.find(path.str());
		if (it != _marks.end()) return it->second;
	} while (path.up());
	return YAML::Mark();
}

}
} // namespace Falcon::Workflow
