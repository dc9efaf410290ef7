using System.Text.Json.Nodes;
using Scim.Core.Schema;

namespace Scim.Core.Patching;

// Every change an operation makes to the resource goes through the logged writes here, so a failed
// request is undone exactly (RFC 5789 §2) and the result names what changed without comparing whole resources.
internal sealed partial class ScimPatcher
{
    /// <summary>What an <see cref="Run.Edit"/> did, so that it can be undone.</summary>
    private enum EditKind : byte
    {
        /// <summary>A property's value was replaced; the old value was at the index.</summary>
        Set,

        /// <summary>A property was appended at the index.</summary>
        Add,

        /// <summary>A property was removed from the index.</summary>
        Remove,

        /// <summary>An element was appended at the index.</summary>
        AddElement,

        /// <summary>An element was removed from the index.</summary>
        RemoveElement,
    }

    private sealed partial class Run
    {
        /// <summary>One change to the resource: enough to undo it, and the touched attribute it belongs to.</summary>
        private readonly record struct Edit(EditKind Kind, JsonNode Container, string? Name, JsonNode? Old, int Index, int Touched);

        /// <summary>An attribute an operation changes: where it is, its value before (see <see cref="_copyTouched"/>), and its path.</summary>
        private readonly record struct Touched(JsonObject Owner, string Name, JsonNode? Before, string Path, SchemaAttribute Attribute);

        /// <summary>Records an attribute about to be changed (once), makes it the one edits are logged for, and returns its value.</summary>
        private JsonNode? Touch(JsonObject owner, string name, ResolvedAttribute target, SchemaAttribute attribute)
        {
            var current = owner[name];
            for (var i = 0; i < _touched.Count; i++)
            {
                if (ReferenceEquals(_touched[i].Owner, owner) && _touched[i].Name == name)
                {
                    _current = i;
                    return current;
                }
            }

            var path = target.IsExtension ? string.Concat(target.Schema.Id, ":", name) : name;
            // Values are replaced, never changed in place, so the node itself is the value before. Objects and
            // arrays can be changed in place (merged, appended to): the undo log tells how, or they are copied.
            var before = current is JsonValue || !_copyTouched ? current : current?.DeepClone();
            _current = _touched.Count;
            _touched.Add(new Touched(owner, name, before, path, attribute));
            return current;
        }

        /// <summary>Sets a property, logging the change.</summary>
        private void Put(JsonObject container, string name, JsonNode value)
        {
            var index = container.IndexOf(name);
            if (index < 0)
            {
                _log.Add(new Edit(EditKind.Add, container, name, null, container.Count, _current));
                container.Add(name, value);
                return;
            }

            var old = container.GetAt(index).Value;
            if (!ReferenceEquals(old, value))
            {
                _log.Add(new Edit(EditKind.Set, container, name, old, index, _current));
                container.SetAt(index, value);
            }
        }

        /// <summary>Removes a property when it is there, logging the change.</summary>
        private void Delete(JsonObject? container, string name)
        {
            var index = container?.IndexOf(name) ?? -1;
            if (index >= 0)
            {
                _log.Add(new Edit(EditKind.Remove, container!, name, container!.GetAt(index).Value, index, _current));
                container.RemoveAt(index);
            }
        }

        /// <summary>Appends an element, logging the change.</summary>
        private void Append(JsonArray array, JsonNode value)
        {
            _log.Add(new Edit(EditKind.AddElement, array, null, null, array.Count, _current));
            array.Add(value);
        }

        /// <summary>Removes an element, logging the change.</summary>
        private void RemoveAt(JsonArray array, int index)
        {
            _log.Add(new Edit(EditKind.RemoveElement, array, null, array[index], index, _current));
            array.RemoveAt(index);
        }

        /// <summary>Undoes every edit, last first: the resource is left exactly as it was, property order included.</summary>
        public void Rollback()
        {
            for (var i = _log.Count - 1; i >= 0; i--)
            {
                var edit = _log[i];
                switch (edit.Kind)
                {
                    case EditKind.Set:
                        ((JsonObject)edit.Container).SetAt(edit.Index, edit.Old);
                        break;
                    case EditKind.Add:
                        ((JsonObject)edit.Container).RemoveAt(edit.Index);
                        break;
                    case EditKind.Remove:
                        ((JsonObject)edit.Container).Insert(edit.Index, edit.Name!, edit.Old);
                        break;
                    case EditKind.AddElement:
                        ((JsonArray)edit.Container).RemoveAt(edit.Index);
                        break;
                    default:
                        ((JsonArray)edit.Container).Insert(edit.Index, edit.Old);
                        break;
                }
            }
        }

        /// <summary>The touched attributes whose value is not the one before, into <see cref="_changed"/>; a single complex attribute by sub-attribute (<c>name.givenName</c>).</summary>
        private void CollectChangedPaths()
        {
            var changed = _changed;
            for (var t = 0; t < _touched.Count; t++)
            {
                var (owner, name, before, path, attribute) = _touched[t];
                var after = owner[name];
                if (ReferenceEquals(before, after))
                {
                    if (after is JsonValue or null || _copyTouched)
                    {
                        continue;
                    }

                    // The same array or object, perhaps changed in place by the one operation that touched it.
                    if (attribute.Type == AttributeType.Complex && !attribute.MultiValued && after is JsonObject complex)
                    {
                        for (var s = 0; s < attribute.SubAttributes.Count; s++)
                        {
                            var sub = attribute.SubAttributes[s];
                            if (PropertyChanged(t, complex, sub.Name))
                            {
                                changed.Add(string.Concat(path, ".", sub.Name));
                            }
                        }
                    }
                    else if (ChangedInPlace(t))
                    {
                        changed.Add(path);
                    }

                    continue;
                }

                if (JsonNode.DeepEquals(before, after))
                {
                    continue;
                }

                if (attribute.Type == AttributeType.Complex && !attribute.MultiValued && before is JsonObject b && after is JsonObject a)
                {
                    for (var s = 0; s < attribute.SubAttributes.Count; s++)
                    {
                        var sub = attribute.SubAttributes[s];
                        if (!JsonNode.DeepEquals(b[sub.Name], a[sub.Name]))
                        {
                            changed.Add(string.Concat(path, ".", sub.Name));
                        }
                    }
                }
                else
                {
                    changed.Add(path);
                }
            }
        }

        /// <summary>
        /// Whether the edits of one attribute, all made by one operation (see <see cref="_copyTouched"/>), changed it:
        /// an operation only adds elements or only removes them, so either changes the attribute; a property
        /// changed when its value differs from the one before its first edit.
        /// </summary>
        private bool ChangedInPlace(int touched)
        {
            for (var i = 0; i < _log.Count; i++)
            {
                var edit = _log[i];
                if (edit.Touched != touched)
                {
                    continue;
                }

                if (edit.Kind is EditKind.AddElement or EditKind.RemoveElement
                    || (IsFirstEdit(i) && !JsonNode.DeepEquals(edit.Kind == EditKind.Add ? null : edit.Old, ((JsonObject)edit.Container)[edit.Name!])))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether a property of an object changed in place differs from its value before its first edit.</summary>
        private bool PropertyChanged(int touched, JsonObject container, string name)
        {
            foreach (var edit in _log)
            {
                if (edit.Touched == touched && ReferenceEquals(edit.Container, container) && string.Equals(edit.Name, name, StringComparison.Ordinal))
                {
                    return !JsonNode.DeepEquals(edit.Kind == EditKind.Add ? null : edit.Old, container[name]);
                }
            }

            return false;
        }

        private bool IsFirstEdit(int index)
        {
            var edit = _log[index];
            for (var i = 0; i < index; i++)
            {
                var earlier = _log[i];
                if (ReferenceEquals(earlier.Container, edit.Container) && string.Equals(earlier.Name, edit.Name, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
