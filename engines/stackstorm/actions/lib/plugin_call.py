"""What both entry points do: the pack's config as the connection, the parameters as the input,
one call through the falcon_oauth2 package, and StackStorm's (succeeded, result) pair."""
import falcon_oauth2


def run_action(config, operation, parameters):
    """Returns (True, output) on a 2xx, else (False, output): the output names what went wrong."""
    connection = {name: value for name, value in (config or {}).items() if value is not None}
    action_input = {name: value for name, value in parameters.items() if value is not None}
    output = falcon_oauth2.invoke(operation, action_input, connection)
    return 200 <= output.get("status_code", 0) < 300, output
