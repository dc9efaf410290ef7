using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Schema;

namespace Scim.Core.Patching;

internal sealed partial class ScimPatcher
{
    private sealed partial class Run
    {
        private void ApplyToMultiValued(
            PatchOperationType op,
            JsonObject owner,
            SchemaAttribute attribute,
            SchemaAttribute? sub,
            Func<JsonObject, bool>? filter,
            FilterExpression? filterText,
            JsonElement? value,
            string displayPath,
            JsonArray? current)
        {
            var name = attribute.Name;
            if (filter is null && sub is null)
            {
                switch (op)
                {
                    case PatchOperationType.Remove when HasValue(value):
                        RemoveListedValues(owner, attribute, current, value!.Value, displayPath);
                        return;
                    case PatchOperationType.Remove:
                        RemoveAttribute(owner, attribute, displayPath);
                        return;
                    case PatchOperationType.Replace:
                        var replacement = Read(value!.Value, attribute, displayPath) as JsonArray;
                        if (replacement is null)
                        {
                            RemoveAttribute(owner, attribute, displayPath);
                            return;
                        }

                        Put(owner, name, replacement);
                        EnforceSinglePrimary(attribute, replacement, replacement, 0);
                        return;
                    default:
                        var additions = Read(value!.Value, attribute, displayPath) as JsonArray;
                        if (additions is null)
                        {
                            return;
                        }

                        if (current is null)
                        {
                            current = [];
                            Put(owner, name, current);
                        }

                        var firstAdded = current.Count;
                        for (var i = 0; i < additions.Count; i++)
                        {
                            var item = additions[i];
                            if (item is null || Contains(attribute, current, item))
                            {
                                continue;
                            }

                            additions[i] = null; // detached, so it can be added to the _resource
                            Append(current, item);
                        }

                        EnforceSinglePrimary(attribute, current, current, firstAdded);
                        return;
                }
            }

            // Filtered ("emails[type eq \"work\"]") and/or a sub-attribute of every matching element.
            var count = current?.Count ?? 0;
            var matches = count == 0 ? [] : new JsonObject[count];
            var matched = 0;
            for (var i = 0; i < count; i++)
            {
                if (current![i] is JsonObject element && (filter is null || filter(element)))
                {
                    matches[matched++] = element;
                }
            }

            if (op == PatchOperationType.Remove)
            {
                if (sub is null)
                {
                    for (var i = count - 1; i >= 0; i--)
                    {
                        if (current![i] is JsonObject element && Array.IndexOf(matches, element, 0, matched) >= 0)
                        {
                            RemoveAt(current, i);
                        }
                    }

                    RemoveIfEmpty(owner, attribute, current);
                    return;
                }

                for (var m = 0; m < matched; m++)
                {
                    var element = matches[m];
                    if (sub.Mutability == Mutability.Immutable && element[sub.Name] is not null)
                    {
                        throw Error(ScimErrorType.Mutability, $"'{displayPath}' is immutable and cannot be removed.");
                    }

                    Delete(element, sub.Name);
                }

                return;
            }

            if (matched == 0)
            {
                if (filter is not null && sub is not null && value is not { ValueKind: not JsonValueKind.Null })
                {
                    return; // a null sets nothing: no element is made to hold it
                }

                if (filter is not null && sub is not null && ElementForMissedFilter(filterText!, attribute) is { } created)
                {
                    if (current is null)
                    {
                        current = [];
                        Put(owner, name, current);
                    }

                    Append(current, created);
                    matches = [created];
                    matched = 1;
                }
                else if (filter is not null)
                {
                    throw Error(ScimErrorType.NoTarget, $"No value of '{attribute.Name}' matches '{displayPath}'.");
                }
            }

            for (var m = 0; m < matched; m++)
            {
                var element = matches[m];
                if (sub is not null)
                {
                    var read = ReadSub(value!.Value, sub, displayPath);
                    if (sub.Mutability == Mutability.Immutable && element[sub.Name] is { } set && !JsonNode.DeepEquals(set, read))
                    {
                        throw Error(ScimErrorType.Mutability, $"'{displayPath}' is immutable: it is already set and cannot be changed.");
                    }

                    if (read is null)
                    {
                        Delete(element, sub.Name);
                    }
                    else
                    {
                        Put(element, sub.Name, read);
                    }
                }
                else if (ReadElement(value!.Value, attribute, displayPath) is JsonObject incoming)
                {
                    MoveProperties(incoming, element);
                }
            }

            if (current is not null)
            {
                EnforceSinglePrimary(attribute, current, matches.AsSpan(0, matched));
            }
        }

        private void RemoveIfEmpty(JsonObject owner, SchemaAttribute attribute, JsonArray? current)
        {
            if (current is { Count: 0 })
            {
                RemoveAttribute(owner, attribute, attribute.Name);
            }
        }

        /// <summary>Whether a multi-valued attribute already has a value equal to one being added.</summary>
        private static bool Contains(SchemaAttribute attribute, JsonArray values, JsonNode item)
        {
            foreach (var existing in values)
            {
                if (SameElement(attribute, existing, item))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Equal values of a multi-valued attribute, ignoring read-only sub-attributes (a stored member's display).</summary>
        private static bool SameElement(SchemaAttribute attribute, JsonNode? existing, JsonNode? incoming)
        {
            if (attribute.Type != AttributeType.Complex || existing is not JsonObject a || incoming is not JsonObject b)
            {
                return JsonNode.DeepEquals(existing, incoming);
            }

            for (var s = 0; s < attribute.SubAttributes.Count; s++)
            {
                var sub = attribute.SubAttributes[s];
                if (sub.Mutability != Mutability.ReadOnly && !JsonNode.DeepEquals(a[sub.Name], b[sub.Name]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// At most one value of a multi-valued attribute is primary (RFC 7643 §2.4): the ones this
        /// operation wrote (the elements of <paramref name="written"/> from <paramref name="from"/> on) win,
        /// and "primary" is cleared on the others.
        /// </summary>
        private void EnforceSinglePrimary(SchemaAttribute attribute, JsonArray values, JsonArray written, int from)
        {
            if (!attribute.HasPrimary)
            {
                return;
            }

            for (var i = written.Count - 1; i >= from; i--)
            {
                if (written[i] is JsonObject element && IsPrimary(element))
                {
                    ClearPrimaryExcept(values, element);
                    return;
                }
            }
        }

        /// <inheritdoc cref="EnforceSinglePrimary(SchemaAttribute, JsonArray, JsonArray, int)"/>
        private void EnforceSinglePrimary(SchemaAttribute attribute, JsonArray values, ReadOnlySpan<JsonObject> written)
        {
            if (!attribute.HasPrimary)
            {
                return;
            }

            for (var i = written.Length - 1; i >= 0; i--)
            {
                if (IsPrimary(written[i]))
                {
                    ClearPrimaryExcept(values, written[i]);
                    return;
                }
            }
        }

        private void ClearPrimaryExcept(JsonArray values, JsonObject winner)
        {
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is JsonObject element && !ReferenceEquals(element, winner) && IsPrimary(element))
                {
                    Delete(element, "primary");
                }
            }
        }

        private static bool IsPrimary(JsonObject element) => element["primary"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
    }
}
