#include "ActionCatalog.h"

#include "AccessTokenAction.h"
#include "RevokeTokenAction.h"

namespace Falcon {
namespace Actions {

const std::vector<const Plugin::Action*>& allActions()
{
	static const AccessTokenAction token;
	static const RevokeTokenAction revoke;
	static const std::vector<const Plugin::Action*> actions{&token, &revoke};
	return actions;
}

const Plugin::Action* findAction(const std::string& name)
{
	for (const Plugin::Action* action : allActions())
	{
		if (action->answersTo(name)) return action;
	}
	return nullptr;
}

}
} // namespace Falcon::Actions
