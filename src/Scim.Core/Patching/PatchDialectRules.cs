using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Core.Patching;

// Every place the patcher departs from RFC 7644 (and RFC 7643's value rules) for an identity provider,
// each behind its PatchDialects flag; all are on by default, and docs/patch.md shows the requests.
//
//   OperationNameAnyCase    Entra ID  "op": "Replace"; RFC 7644 §3.5.2 names the operations in lower case.
//   MessageCasing           various   "operations" and the PatchOp URN in any case (§3.5.2); a read-only
//                                     attribute (id, meta) inside a no-path value ignored, not a mutability error.
//   BooleanStrings          Entra ID  "False" for a boolean, which RFC 7643 §2.3.2 writes as a JSON literal; the
//                                     one dialect that applies to POST, PUT and Bulk bodies too (BodyLeniency).
//   StringAsValue           Entra ID  a bare id for a manager (other clients: for members), where RFC 7643
//                                     §4.3 and §4.2 define a complex value with "value".
//   ArrayShapes             various   [x] where one value is expected, x where an array is (RFC 7643 §2.4).
//   DottedAndQualifiedKeys  Entra ID  "name.givenName" or an extension attribute's URN as a key of a no-path
//                                     value, where §3.5.2.1 and §3.5.2.3 expect the resource's own shape.
//   RemoveListedValues      Entra ID  a remove with a value removes the values listed; §3.5.2.2 gives remove
//                                     no value and, read literally, removes them all, so without it: refused.
//   CreateOnFilterMiss      Entra ID  a replace of emails[type eq "work"].value with no work email adds one,
//                                     where §3.5.2.3 answers noTarget.
//
// Not behind a flag: a read-only value in a no-path value equal to the current one is ignored, since it
// changes nothing (Okta echoes a group's id when renaming it).
internal sealed partial class ScimPatcher
{
    private bool Has(PatchDialects dialect) => (Options.Dialects & dialect) == dialect;

    /// <summary>
    /// The dialects that apply to whole resource bodies (POST, PUT, and Bulk operations' data), as the
    /// reader's leniencies: Entra ID sends <c>"active": "True"</c> in creates as in PATCH values, so one
    /// flag decides both. The other value dialects stay in PATCH, the only place their shapes are sent.
    /// </summary>
    internal static ReaderLeniency BodyLeniency(PatchDialects dialects) =>
        (dialects & PatchDialects.BooleanStrings) != 0 ? ReaderLeniency.BooleanStrings : ReaderLeniency.None;

    /// <summary>The dialects that are only about the shape of a value, as the reader's leniencies.</summary>
    private ReaderLeniency DialectLeniency()
    {
        var leniency = BodyLeniency(Options.Dialects);
        if (Has(PatchDialects.StringAsValue))
        {
            leniency |= ReaderLeniency.StringAsValue;
        }

        if (Has(PatchDialects.ArrayShapes))
        {
            leniency |= ReaderLeniency.SingleElementArrays | ReaderLeniency.SingleValueForArray;
        }

        return leniency;
    }

    /// <summary>How the message's own keys and URN are compared (<see cref="PatchDialects.MessageCasing"/>).</summary>
    private StringComparison MessageComparison => Has(PatchDialects.MessageCasing) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>How an operation's <c>op</c> is compared (<see cref="PatchDialects.OperationNameAnyCase"/>).</summary>
    private StringComparison OperationNameComparison => Has(PatchDialects.OperationNameAnyCase) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private sealed partial class Run
    {
        /// <summary>A key of a no-path value that is a path rather than an attribute name (<see cref="PatchDialects.DottedAndQualifiedKeys"/>).</summary>
        private void RequireDottedAndQualifiedKeys(string key)
        {
            if (!_patcher.Has(PatchDialects.DottedAndQualifiedKeys))
            {
                throw Error(ScimErrorType.InvalidPath, $"'{key}' is a path, not an attribute name; send it as the operation's 'path'.");
            }

            DialectUse.Note(PatchDialects.DottedAndQualifiedKeys);
        }

        /// <summary>
        /// A read-only attribute inside a no-path value (Okta echoes the group's id when renaming it) is
        /// ignored when it equals the current value, and with the <see cref="PatchDialects.MessageCasing"/>
        /// dialect whatever it is; otherwise changing it is a mutability error.
        /// </summary>
        private bool IgnoreEchoedReadOnly(ResolvedAttribute resolved, JsonElement value)
        {
            var current = Owner(resolved, create: false)?[resolved.Attribute.Name];
            if (resolved.SubAttribute is null && value.ValueKind == JsonValueKind.String && current is JsonValue v
                && v.TryGetValue<string>(out var text) && string.Equals(text, value.GetString(), StringComparison.Ordinal))
            {
                return true; // an echo of the current value changes nothing, dialect or not
            }

            if (_patcher.Has(PatchDialects.MessageCasing))
            {
                DialectUse.Note(PatchDialects.MessageCasing);
                return true;
            }

            return false;
        }

        /// <summary>
        /// A remove with a value is not RFC 7644; read literally it would remove every value. Without
        /// the dialect it is refused rather than guessed at.
        /// </summary>
        private void RequireRemoveListedValues(string displayPath)
        {
            if (!_patcher.Has(PatchDialects.RemoveListedValues))
            {
                throw Error(ScimErrorType.InvalidValue, $"A 'remove' of '{displayPath}' carries a value; RFC 7644 defines none. Select values with a filter (members[value eq \"id\"]), or accept the Entra ID shape with PatchDialects.RemoveListedValues.");
            }

            DialectUse.Note(PatchDialects.RemoveListedValues);
        }

        /// <summary>Entra ID: a remove carrying values removes those only, matched on <c>value</c> for complex attributes (<see cref="PatchDialects.RemoveListedValues"/>).</summary>
        private void RemoveListedValues(JsonObject owner, SchemaAttribute attribute, JsonArray? current, JsonElement value, string displayPath)
        {
            RequireRemoveListedValues(displayPath);
            RemoveListed(owner, attribute, current, Read(value, attribute, displayPath) as JsonArray);
        }

        /// <summary>Removes the elements equal to a listed value; the attribute goes when none is left.</summary>
        private void RemoveListed(JsonObject owner, SchemaAttribute attribute, JsonArray? current, JsonArray? listed)
        {
            if (current is null)
            {
                return;
            }

            for (var i = current.Count - 1; i >= 0 && listed is not null; i--)
            {
                var element = current[i];
                foreach (var value in listed)
                {
                    if (SameValue(attribute, value, element))
                    {
                        RemoveAt(current, i);
                        break;
                    }
                }
            }

            RemoveIfEmpty(owner, attribute, current);
        }

        /// <summary>Entra ID: a remove of members carrying a list removes those only, by id (<see cref="PatchDialects.RemoveListedValues"/>).</summary>
        private void RemoveListedMembers(JsonArray? members, string displayPath)
        {
            RequireRemoveListedValues(displayPath);
            foreach (var member in members?.OfType<JsonObject>() ?? [])
            {
                RemoveMember(MemberId(member, displayPath));
            }
        }

        private static bool SameValue(SchemaAttribute attribute, JsonNode? listed, JsonNode? element)
        {
            if (attribute.Type != AttributeType.Complex)
            {
                return JsonNode.DeepEquals(listed, element);
            }

            return listed is JsonObject l && element is JsonObject e && l["value"] is { } lv && JsonNode.DeepEquals(lv, e["value"]);
        }

        /// <summary>The element to add when a filtered sub-attribute's value filter matches none (<see cref="PatchDialects.CreateOnFilterMiss"/>), or <see langword="null"/>.</summary>
        private JsonObject? ElementForMissedFilter(FilterExpression filter, SchemaAttribute attribute)
        {
            if (!_patcher.Has(PatchDialects.CreateOnFilterMiss) || ElementFromFilter(filter, attribute) is not { } element)
            {
                return null;
            }

            DialectUse.Note(PatchDialects.CreateOnFilterMiss);
            return element;
        }

        /// <summary>For Entra's <c>emails[type eq "work"].value</c> on a user with no work email: an element holding the filter's equalities.</summary>
        private static JsonObject? ElementFromFilter(FilterExpression filter, SchemaAttribute attribute)
        {
            var element = new JsonObject();
            var pending = new Stack<FilterExpression>();
            pending.Push(filter);
            while (pending.TryPop(out var node))
            {
                switch (node)
                {
                    case AndFilter and:
                        pending.Push(and.Right);
                        pending.Push(and.Left);
                        break;
                    case ComparisonFilter { Operator: ComparisonOperator.Equal } comparison
                        when comparison.Path is { SchemaUri: null, SubAttribute: null } && attribute.FindSubAttribute(comparison.Path.Name) is { } sub:
                        element[sub.Name] = comparison.Value switch
                        {
                            StringValue s => JsonValue.Create(s.Value),
                            BooleanValue b => JsonValue.Create(b.Value),
                            _ => null,
                        };
                        if (element[sub.Name] is null)
                        {
                            return null;
                        }

                        break;
                    default:
                        return null;
                }
            }

            return element;
        }
    }
}
