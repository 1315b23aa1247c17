#pragma once

#include "Problems.h"

#include <Poco/Dynamic/Var.h>

#include <yaml-cpp/mark.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace Falcon {
namespace Workflow {

/// A workflow file's YAML as JSON values, with the place in the file of every path (for
/// messages) and what the conversion itself refused (keys that are not names, keys given twice,
/// nesting too deep). Plain scalars follow the YAML 1.2 core schema; quoted ones stay strings.
struct YamlDocument
{
	static constexpr int MAX_DEPTH = 64;

	Poco::Dynamic::Var root;
	std::map<std::string, YAML::Mark> marks; ///< by NodePath::str()
	std::vector<std::pair<YAML::Mark, std::string>> problems;

	/// Throws WorkflowInvalid with one problem when the text cannot be read as one bounded YAML
	/// document: a syntax error, a second document, or more than `maxNodes` values once its
	/// aliases are expanded (refused before expanding anything).
	static YamlDocument parse(const std::string& yaml, const std::string& fileName, std::size_t maxNodes);
};

}
} // namespace Falcon::Workflow
