#pragma once

#include <yaml-cpp/mark.h>

#include <map>
#include <string>
#include <vector>

namespace Falcon {
namespace Workflow {

/// Where a value sits in a workflow file: `workflow.steps[0].with.token`. Messages show it
/// without the root (`steps[0].with.token`), as the user wrote it.
class NodePath
{
public:
	NodePath(): _text(ROOT) {}
	/// A path as the schema validator writes it (`workflow.steps[0]`).
	explicit NodePath(std::string text): _text(std::move(text)) {}

	NodePath operator/(const std::string& key) const { return NodePath(_text + "." + key); }
	NodePath operator[](std::size_t index) const { return NodePath(_text + "[" + std::to_string(index) + "]"); }

	const std::string& str() const { return _text; }
	/// Without the root; "the workflow" for the root itself.
	std::string shown() const;
	/// The path one step up (`a.b[2]` -> `a.b`); false at the root.
	bool up();

private:
	static constexpr const char* ROOT = "workflow";
	std::string _text;
};

/// Every problem found in one workflow file, each "FILE:LINE:COLUMN: what", in the order found
/// and each once. The place comes from the file's marks: a path's own, or its nearest ancestor's.
class Problems
{
public:
	Problems(std::string fileName, const std::map<std::string, YAML::Mark>& marks):
		_fileName(std::move(fileName)), _marks(marks)
	{
	}

	void add(const NodePath& path, const std::string& message) { addAt(markOf(path), message); }
	/// "path: message" about the value at `path`.
	void addAbout(const NodePath& path, const std::string& message) { add(path, path.shown() + ": " + message); }
	/// A schema validator's "path: message", with `lead` put before it ("step auth: ").
	void addValidatorProblem(const std::string& problem, const std::string& lead = "");
	void addAt(const YAML::Mark& mark, const std::string& message);

	YAML::Mark markOf(NodePath path) const;
	const std::vector<std::string>& list() const { return _list; }

	/// "FILE:LINE:COLUMN: message", made printable (a file's text never reaches a terminal raw).
	static std::string located(const std::string& fileName, const YAML::Mark& mark, const std::string& message);

private:
	std::string _fileName;
	const std::map<std::string, YAML::Mark>& _marks;
	std::vector<std::string> _list;
};

}
} // namespace Falcon::Workflow
