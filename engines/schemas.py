"""The plugin's description as the engines' generators read it: schema/plugin.json, the
connection schema and each action's input and output schemas, reduced to fields."""
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class Field:
    """One property of a schema, with what every engine's metadata needs of it."""

    name: str
    types: List[str]  # JSON types, "null" left out
    description: str
    required: bool = False
    secret: bool = False  # x-secret or writeOnly: the value is masked
    secret_inside: bool = False  # a member of its object form is a secret
    default: Any = None
    choices: Optional[List[str]] = None  # enum values, then x-aliases
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    exclusive_minimum: Optional[float] = None  # draft-07's number form
    min_length: Optional[int] = None
    max_length: Optional[int] = None
    pattern: Optional[str] = None

    @property
    def environment_variable(self) -> str:
        """FALCON_<FIELD>, as falcon-host reads it."""
        return "FALCON_" + self.name.upper()


@dataclass
class ActionSchema:
    """One action: its names, description, input fields and output fields."""

    operation_id: str
    alias: str
    title: str
    description: str
    inputs: List[Field] = field(default_factory=list)
    outputs: List[Field] = field(default_factory=list)
    output_schema: Dict[str, Any] = field(default_factory=dict)  # references resolved


def _secret(prop: Dict[str, Any]) -> bool:
    return bool(prop.get("x-secret") or prop.get("writeOnly"))


def holds_secret(prop: Any) -> bool:
    """Whether ``prop`` or anything inside it (an object form's member) is a secret."""
    if isinstance(prop, dict):
        return _secret(prop) or any(holds_secret(value) for value in prop.values())
    if isinstance(prop, list):
        return any(holds_secret(value) for value in prop)
    return False


def _fields(schema: Dict[str, Any]) -> List[Field]:
    required = set(schema.get("required", []))
    fields = []
    for name, prop in schema.get("properties", {}).items():
        if prop.get("x-falconpy-only"):
            continue  # FalconPy's Uber forms: an engine's options carry the same values
        types = prop.get("type", "string")
        types = [t for t in (types if isinstance(types, list) else [types]) if t != "null"]
        choices = list(prop["enum"]) + list(prop.get("x-aliases", {})) if "enum" in prop else None
        fields.append(Field(name=name, types=types, description=prop.get("description", prop.get("title", name)),
                            required=name in required, secret=_secret(prop), secret_inside=holds_secret(prop.get("properties")),
                            default=prop.get("default"), choices=choices,
                            minimum=prop.get("minimum"), maximum=prop.get("maximum"), exclusive_minimum=prop.get("exclusiveMinimum"),
                            min_length=prop.get("minLength"),
                            max_length=prop.get("maxLength"), pattern=prop.get("pattern")))
    return fields


class PluginSchemas:
    """Everything under schema/ that the engines need."""

    def __init__(self, directory: str):
        """Read plugin.json and the schemas it names from ``directory``."""
        self.directory = directory
        self.manifest = self._load("plugin.json")
        self.version: str = self.manifest["version"]
        connection = self._load(self.manifest["connection_schema"])
        self.connection_description: str = connection.get("description", "")
        self.connection: List[Field] = _fields(connection)
        self.actions: List[ActionSchema] = []
        for entry in self.manifest["actions"]:
            given = self._load(entry["input_schema"])
            returned = self._load(entry["output_schema"])
            self.actions.append(ActionSchema(operation_id=entry["operation_id"], alias=entry["alias"],
                                             title=given.get("title", entry["operation_id"]), description=given.get("description", ""),
                                             inputs=_fields(given), outputs=_fields(returned), output_schema=self._resolved(returned)))

    def _resolved(self, schema: Any) -> Any:
        """``schema`` with every reference to another file replaced by that file's schema."""
        if isinstance(schema, dict):
            if isinstance(schema.get("$ref"), str) and not schema["$ref"].startswith("#"):
                return self._resolved(self._load(schema["$ref"]))
            return {key: self._resolved(value) for key, value in schema.items()}
        if isinstance(schema, list):
            return [self._resolved(value) for value in schema]
        return schema

    def _load(self, name: str) -> Dict[str, Any]:
        with open(os.path.join(self.directory, name), encoding="utf-8") as text:
            return json.load(text)

    def connection_field(self, name: str) -> Field:
        """A connection field by name."""
        return next(candidate for candidate in self.connection if candidate.name == name)
