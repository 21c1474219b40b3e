#!/usr/bin/env python3
# Validate a JSON document against one of Clair's JSON Schemas
# (httptransport/types/v1/*.schema.json), standard library only.
#
#   jsonschema.py [--clair-quirks] SCHEMA_DIR SCHEMA_FILE DOCUMENT
#
# Implements the subset of JSON Schema 2020-12 those files use: type, enum,
# const, pattern, properties, required, additionalProperties,
# patternProperties, items, anyOf, oneOf, allOf, $ref (to a sibling file,
# "#" or "#/json/pointer"); annotations (description, format, default, ...)
# are ignored. Exit 0 when valid; otherwise every violation is printed with
# its JSON path and the exit status is 1 (2 for usage or unreadable input).
#
# --clair-quirks accepts the two places where Clair's real wire format
# differs from its own schemas (reference §1.7): Package "kind" is
# lower-case ("binary", the schema's enum says "BINARY"), and an absent CPE
# is the empty string (cpe.schema.json has no pattern for ""). Each use is
# reported on stderr as a note, so a test can see which quirks applied.
#
# SPDX-License-Identifier: Apache-2.0
import json
import os
import re
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


class Validator:
    def __init__(self, schema_dir, quirks):
        self.dir = schema_dir
        self.quirks = quirks
        self.cache = {}
        self.notes = set()

    def load(self, name):
        if name not in self.cache:
            with open(os.path.join(self.dir, name), encoding="utf-8") as f:
                self.cache[name] = json.load(f)
        return self.cache[name]

    def resolve(self, ref, base):
        name, _, pointer = ref.partition("#")
        name = name or base
        node = self.load(name)
        for part in [p for p in pointer.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, name

    def validate(self, schema, value, path, base):
        """A list of error strings (empty when valid)."""
        if schema is True or schema == {}:
            return []
        if schema is False:
            return ["%s: no value is allowed here" % path]
        errors = []
        if "$ref" in schema:
            target, target_base = self.resolve(schema["$ref"], base)
            if self.quirks and target_base == "cpe.schema.json" and value == "":
                self.notes.add("empty CPE string at %s" % re.sub(r"\[\"\d+\"\]", "[id]", path))
            else:
                errors += self.validate(target, value, path, target_base)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(TYPES[t](value) for t in types):
                return errors + ["%s: %s is not of type %s" % (path, json.dumps(value), "/".join(types))]
        if "enum" in schema and value not in schema["enum"]:
            upper = [e.upper() for e in schema["enum"] if isinstance(e, str)]
            if self.quirks and isinstance(value, str) and value.upper() in upper and value == value.lower():
                self.notes.add("lower-case enum value at %s" % re.sub(r"\[\"\d+\"\]", "[id]", path))
            else:
                errors.append("%s: %s is not one of %s" % (path, json.dumps(value), schema["enum"]))
        if "const" in schema and value != schema["const"]:
            errors.append("%s: %s is not %s" % (path, json.dumps(value), json.dumps(schema["const"])))
        if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append("%s: %s does not match %s" % (path, json.dumps(value), schema["pattern"]))
        if isinstance(value, dict):
            errors += self.validate_object(schema, value, path, base)
        if isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                errors += self.validate(schema["items"], item, "%s[%d]" % (path, i), base)
        for sub in schema.get("allOf", []):
            errors += self.validate(sub, value, path, base)
        if "anyOf" in schema:
            results = [self.validate(s, value, path, base) for s in schema["anyOf"]]
            if all(results):
                errors.append("%s: matches none of anyOf (%s)" % (path, "; ".join(r[0] for r in results)))
        if "oneOf" in schema:
            results = [self.validate(s, value, path, base) for s in schema["oneOf"]]
            if sum(1 for r in results if not r) != 1:
                errors.append("%s: does not match exactly one of oneOf" % path)
        return errors

    def validate_object(self, schema, value, path, base):
        errors = []
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append("%s: required property %s is missing" % (path, json.dumps(key)))
        for key, item in value.items():
            sub = "%s[%s]" % (path, json.dumps(key))
            matched = False
            if key in props:
                matched = True
                errors += self.validate(props[key], item, sub, base)
            for pattern, pschema in patterns.items():
                if re.search(pattern, key):
                    matched = True
                    errors += self.validate(pschema, item, sub, base)
            if not matched and "additionalProperties" in schema:
                errors += self.validate(schema["additionalProperties"], item, sub, base)
        return errors


def main(argv):
    quirks = False
    if argv and argv[0] == "--clair-quirks":
        quirks = True
        argv = argv[1:]
    if len(argv) != 3:
        print("usage: jsonschema.py [--clair-quirks] SCHEMA_DIR SCHEMA_FILE DOCUMENT", file=sys.stderr)
        return 2
    schema_dir, schema_file, document = argv
    try:
        with open(document, encoding="utf-8") as f:
            value = json.load(f)
        v = Validator(schema_dir, quirks)
        errors = v.validate(v.load(schema_file), value, "$", schema_file)
    except (OSError, ValueError, KeyError) as e:
        print("jsonschema.py: %s" % e, file=sys.stderr)
        return 2
    for note in sorted(v.notes):
        print("note: Clair quirk accepted: %s" % note, file=sys.stderr)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
