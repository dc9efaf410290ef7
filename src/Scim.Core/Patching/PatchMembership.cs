using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Errors;
using Scim.Core.Filtering;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Stores;

namespace Scim.Core.Patching;

// A group's members are never applied to its JSON: the operations on them fold into one delta, so a
// store adds a member to a large group without loading the others.
internal sealed partial class ScimPatcher
{
    private sealed partial class Run
    {
        private bool IsGroupMembers(SchemaAttribute attribute, ResolvedAttribute target) =>
            !target.IsExtension && string.Equals(_resourceType.Schema, ScimSchemaUris.Group, StringComparison.OrdinalIgnoreCase) && attribute.Name == "members";

        private void ApplyMembers(PatchOperationType op, SchemaAttribute attribute, SchemaAttribute? sub, FilterExpression? filterText, JsonElement? value, string displayPath)
        {
            _membersTouched = true;
            if (sub is not null)
            {
                throw Error(ScimErrorType.InvalidPath, $"'{displayPath}' changes a sub-attribute of members; members are added and removed whole.");
            }

            if (filterText is not null)
            {
                if (op != PatchOperationType.Remove)
                {
                    throw Error(ScimErrorType.InvalidPath, $"'{displayPath}': members are added with 'add' and a list, and removed by filter; a filtered '{Name(op)}' is not supported.");
                }

                foreach (var id in MemberIdsFromFilter(filterText)
                    ?? throw Error(ScimErrorType.InvalidFilter, $"'{displayPath}': members can be selected by 'value eq \"id\"' (joined with 'or') only."))
                {
                    RemoveMember(id);
                }

                return;
            }

            var members = value is { } given && given.ValueKind != JsonValueKind.Null ? Read(given, attribute, displayPath) as JsonArray : null;
            switch (op)
            {
                case PatchOperationType.Remove when HasValue(value):
                    RemoveListedMembers(members, displayPath);
                    return;
                case PatchOperationType.Remove:
                    RemoveAllMembers();
                    return;
                case PatchOperationType.Replace:
                    RemoveAllMembers();
                    goto default;
                default:
                    foreach (var member in members?.OfType<JsonObject>() ?? [])
                    {
                        var id = MemberId(member, displayPath);
                        _removed?.Remove(id);
                        (_added ??= new Dictionary<string, GroupMember>(StringComparer.Ordinal))[id] = new GroupMember
                        {
                            Value = id,
                            Type = (string?)member["type"],
                            Ref = (string?)member["$ref"],
                        };
                    }

                    return;
            }
        }

        private void RemoveMember(string id)
        {
            _added?.Remove(id);
            (_removed ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
        }

        private void RemoveAllMembers()
        {
            _removeAll = true;
            _added?.Clear();
            _removed?.Clear();
        }

        private string MemberId(JsonObject member, string displayPath) =>
            (string?)member["value"] is { Length: > 0 } id ? id : throw Error(ScimErrorType.InvalidValue, $"Every member in '{displayPath}' needs a 'value' (the member's id).");

        /// <summary>The ids a members filter selects, when it is <c>value eq "a"</c> or several of those joined by <c>or</c>.</summary>
        private static List<string>? MemberIdsFromFilter(FilterExpression filter)
        {
            var ids = new List<string>();
            var pending = new Stack<FilterExpression>();
            pending.Push(filter);
            while (pending.TryPop(out var node))
            {
                switch (node)
                {
                    case OrFilter or:
                        pending.Push(or.Right);
                        pending.Push(or.Left);
                        break;
                    case ComparisonFilter { Operator: ComparisonOperator.Equal, Value: StringValue id } comparison
                        when comparison.Path is { SchemaUri: null, SubAttribute: null } && string.Equals(comparison.Path.Name, "value", StringComparison.OrdinalIgnoreCase):
                        ids.Add(id.Value);
                        break;
                    default:
                        return null;
                }
            }

            return ids;
        }

        /// <summary>The members' operations folded into one change, or <see langword="null"/> when no operation named members.</summary>
        private MembershipChange? MembersDelta() =>
            _membersTouched ? new MembershipChange(_removeAll, _added is null ? [] : [.. _added.Values], _removed is null ? [] : [.. _removed]) : null;
    }
}
