using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Resources;
using Scim.Core.Schema;

namespace Scim.Core.Serialization;

/// <summary>
/// Writes <see cref="User"/>, <see cref="Group"/> and <see cref="JsonResource"/> as compact JSON through a
/// <see cref="JsonEmitter"/> (property names encoded at compile time, plain ASCII values narrowed
/// without escaping), then hands the bytes to the caller's <see cref="Utf8JsonWriter"/> as one raw
/// value. The output is the same, byte for byte, as the contracts in <see cref="ScimJson"/> give
/// through a writer with <see cref="ScimSerializer.WriterOptions"/> (a property test holds the two
/// together): the same order, nulls and empty lists left out, <c>password</c> never written, the
/// Enterprise User extension only when it has a value, other extensions last. Writing a page of
/// users is most of a list response's cost; this is several times faster than the contracts.
/// </summary>
internal static class ResourceWriter
{
    private static ReadOnlySpan<byte> Schemas => "\"schemas\":"u8;
    private static ReadOnlySpan<byte> Id => "\"id\":"u8;
    private static ReadOnlySpan<byte> ExternalId => "\"externalId\":"u8;
    private static ReadOnlySpan<byte> UserName => "\"userName\":"u8;
    private static ReadOnlySpan<byte> Name => "\"name\":"u8;
    private static ReadOnlySpan<byte> Formatted => "\"formatted\":"u8;
    private static ReadOnlySpan<byte> FamilyName => "\"familyName\":"u8;
    private static ReadOnlySpan<byte> GivenName => "\"givenName\":"u8;
    private static ReadOnlySpan<byte> MiddleName => "\"middleName\":"u8;
    private static ReadOnlySpan<byte> HonorificPrefix => "\"honorificPrefix\":"u8;
    private static ReadOnlySpan<byte> HonorificSuffix => "\"honorificSuffix\":"u8;
    private static ReadOnlySpan<byte> DisplayName => "\"displayName\":"u8;
    private static ReadOnlySpan<byte> NickName => "\"nickName\":"u8;
    private static ReadOnlySpan<byte> ProfileUrl => "\"profileUrl\":"u8;
    private static ReadOnlySpan<byte> Title => "\"title\":"u8;
    private static ReadOnlySpan<byte> UserType => "\"userType\":"u8;
    private static ReadOnlySpan<byte> PreferredLanguage => "\"preferredLanguage\":"u8;
    private static ReadOnlySpan<byte> Locale => "\"locale\":"u8;
    private static ReadOnlySpan<byte> Timezone => "\"timezone\":"u8;
    private static ReadOnlySpan<byte> Active => "\"active\":"u8;
    private static ReadOnlySpan<byte> Emails => "\"emails\":"u8;
    private static ReadOnlySpan<byte> PhoneNumbers => "\"phoneNumbers\":"u8;
    private static ReadOnlySpan<byte> Ims => "\"ims\":"u8;
    private static ReadOnlySpan<byte> Photos => "\"photos\":"u8;
    private static ReadOnlySpan<byte> Addresses => "\"addresses\":"u8;
    private static ReadOnlySpan<byte> Groups => "\"groups\":"u8;
    private static ReadOnlySpan<byte> Entitlements => "\"entitlements\":"u8;
    private static ReadOnlySpan<byte> Roles => "\"roles\":"u8;
    private static ReadOnlySpan<byte> X509Certificates => "\"x509Certificates\":"u8;
    private static ReadOnlySpan<byte> Value => "\"value\":"u8;
    private static ReadOnlySpan<byte> Display => "\"display\":"u8;
    private static ReadOnlySpan<byte> Type => "\"type\":"u8;
    private static ReadOnlySpan<byte> Primary => "\"primary\":"u8;
    private static ReadOnlySpan<byte> Ref => "\"$ref\":"u8;
    private static ReadOnlySpan<byte> StreetAddress => "\"streetAddress\":"u8;
    private static ReadOnlySpan<byte> Locality => "\"locality\":"u8;
    private static ReadOnlySpan<byte> Region => "\"region\":"u8;
    private static ReadOnlySpan<byte> PostalCode => "\"postalCode\":"u8;
    private static ReadOnlySpan<byte> Country => "\"country\":"u8;
    private static ReadOnlySpan<byte> EnterpriseSchema => "\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":"u8;
    private static ReadOnlySpan<byte> EmployeeNumber => "\"employeeNumber\":"u8;
    private static ReadOnlySpan<byte> CostCenter => "\"costCenter\":"u8;
    private static ReadOnlySpan<byte> Organization => "\"organization\":"u8;
    private static ReadOnlySpan<byte> Division => "\"division\":"u8;
    private static ReadOnlySpan<byte> Department => "\"department\":"u8;
    private static ReadOnlySpan<byte> Manager => "\"manager\":"u8;
    private static ReadOnlySpan<byte> Members => "\"members\":"u8;
    private static ReadOnlySpan<byte> Meta => "\"meta\":"u8;
    private static ReadOnlySpan<byte> ResourceType => "\"resourceType\":"u8;
    private static ReadOnlySpan<byte> Created => "\"created\":"u8;
    private static ReadOnlySpan<byte> LastModified => "\"lastModified\":"u8;
    private static ReadOnlySpan<byte> Location => "\"location\":"u8;
    private static ReadOnlySpan<byte> Version => "\"version\":"u8;

    /// <summary>
    /// Writes a resource. With <paramref name="response"/>, <c>meta.resourceType</c> and
    /// <c>meta.location</c> come from it and a user's <c>groups</c> are its derived ones (the
    /// stored resource is read, never changed); without it, the resource is written as it is.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, ScimResource resource, in ResponseParts response = default)
    {
        var emitter = JsonEmitter.Rent();
        try
        {
            Write(emitter, resource, response);
            writer.WriteRawValue(emitter.Written, skipInputValidation: true);
        }
        finally
        {
            JsonEmitter.Return(emitter);
        }
    }

    /// <summary>The resource as UTF-8 JSON bytes, copied once out of the emitter.</summary>
    public static byte[] ToUtf8Bytes(ScimResource resource)
    {
        var emitter = JsonEmitter.Rent();
        try
        {
            Write(emitter, resource, default);
            return emitter.Written.ToArray();
        }
        finally
        {
            JsonEmitter.Return(emitter);
        }
    }

    private static void Write(JsonEmitter writer, ScimResource resource, in ResponseParts response)
    {
        switch (resource)
        {
            case User user:
                WriteUser(writer, user, response);
                break;
            case Group group:
                WriteGroup(writer, group, response);
                break;
            case JsonResource json:
                WriteJson(writer, json, response);
                break;
            default:
                throw new ArgumentException($"Cannot write a {resource.GetType().Name}; only User, Group and JsonResource are written.", nameof(resource));
        }
    }

    private static void WriteUser(JsonEmitter writer, User user, in ResponseParts response)
    {
        writer.StartObject();
        var enterprise = user.EnterpriseUser is { IsEmpty: false } ? user.EnterpriseUser : null;
        WriteSchemas(writer, user, ScimSchemaUris.User, enterprise is null ? null : ScimSchemaUris.EnterpriseUser);
        WriteString(writer, Id, user.Id);
        WriteString(writer, ExternalId, user.ExternalId);
        WriteString(writer, UserName, user.UserName);
        if (user.Name is { } name)
        {
            writer.StartObject(Name);
            WriteString(writer, Formatted, name.Formatted);
            WriteString(writer, FamilyName, name.FamilyName);
            WriteString(writer, GivenName, name.GivenName);
            WriteString(writer, MiddleName, name.MiddleName);
            WriteString(writer, HonorificPrefix, name.HonorificPrefix);
            WriteString(writer, HonorificSuffix, name.HonorificSuffix);
            writer.EndObject();
        }

        WriteString(writer, DisplayName, user.DisplayName);
        WriteString(writer, NickName, user.NickName);
        WriteString(writer, ProfileUrl, user.ProfileUrl);
        WriteString(writer, Title, user.Title);
        WriteString(writer, UserType, user.UserType);
        WriteString(writer, PreferredLanguage, user.PreferredLanguage);
        WriteString(writer, Locale, user.Locale);
        WriteString(writer, Timezone, user.Timezone);
        WriteBoolean(writer, Active, user.Active);

        WriteArray(writer, Emails, user.StoredEmails, WriteValue);
        WriteArray(writer, PhoneNumbers, user.StoredPhoneNumbers, WriteValue);
        WriteArray(writer, Ims, user.StoredIms, WriteValue);
        WriteArray(writer, Photos, user.StoredPhotos, WriteValue);
        WriteArray(writer, Addresses, user.StoredAddresses, WriteAddress);
        WriteArray(writer, Groups, response.IsResponse ? response.Groups : user.StoredGroups, WriteGroup, response.Repeats);
        WriteArray(writer, Entitlements, user.StoredEntitlements, WriteValue);
        WriteArray(writer, Roles, user.StoredRoles, WriteValue);
        WriteArray(writer, X509Certificates, user.StoredX509Certificates, WriteValue);
        if (enterprise is not null)
        {
            writer.StartObject(EnterpriseSchema);
            WriteString(writer, EmployeeNumber, enterprise.EmployeeNumber);
            WriteString(writer, CostCenter, enterprise.CostCenter);
            WriteString(writer, Organization, enterprise.Organization);
            WriteString(writer, Division, enterprise.Division);
            WriteString(writer, Department, enterprise.Department);
            if (enterprise.Manager is { } manager)
            {
                writer.StartObject(Manager);
                WriteString(writer, Value, manager.Value);
                WriteString(writer, Ref, manager.Ref);
                WriteString(writer, DisplayName, manager.DisplayName);
                writer.EndObject();
            }

            writer.EndObject();
        }

        WriteMeta(writer, user.Id, user.Meta, response);
        WriteExtensions(writer, user);
        writer.EndObject();
    }

    private static void WriteGroup(JsonEmitter writer, Group group, in ResponseParts response)
    {
        writer.StartObject();
        WriteSchemas(writer, group, ScimSchemaUris.Group, null);
        WriteString(writer, Id, group.Id);
        WriteString(writer, ExternalId, group.ExternalId);
        WriteString(writer, DisplayName, group.DisplayName);
        WriteArray(writer, Members, group.Members, WriteMember);

        WriteMeta(writer, group.Id, group.Meta, response);
        WriteExtensions(writer, group);
        writer.EndObject();
    }

    /// <summary>
    /// A resource of a host-registered type: its attributes as they are, except that a response
    /// with derived <c>groups</c> writes those instead of any stored ones.
    /// </summary>
    private static void WriteJson(JsonEmitter writer, JsonResource resource, in ResponseParts response)
    {
        writer.StartObject();
        WriteSchemas(writer, resource, resource.CoreSchema, null);
        WriteString(writer, Id, resource.Id);
        WriteString(writer, ExternalId, resource.ExternalId);
        var derivedGroups = response.IsResponse && response.Groups is not null;
        foreach (var (key, value) in resource.Attributes)
        {
            if (value is null || key is "schemas" or "id" or "externalId" or "meta" || (derivedGroups && key == "groups") || (response.Derived?.ContainsKey(key) ?? false))
            {
                continue;
            }

            writer.Node(key, value);
        }

        foreach (var (key, value) in response.Derived ?? [])
        {
            if (value is not null)
            {
                writer.Node(key, value);
            }
        }

        if (derivedGroups)
        {
            WriteArray(writer, Groups, response.Groups, WriteGroup);
        }

        WriteMeta(writer, resource.Id, resource.Meta, response);
        WriteExtensions(writer, resource);
        writer.EndObject();
    }

    // The schema URIs every user or group lists, encoded once.
    private static ReadOnlySpan<byte> UserSchemas => "\"urn:ietf:params:scim:schemas:core:2.0:User\""u8;
    private static ReadOnlySpan<byte> EnterpriseUserSchemas => "\"urn:ietf:params:scim:schemas:core:2.0:User\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\""u8;
    private static ReadOnlySpan<byte> GroupSchemas => "\"urn:ietf:params:scim:schemas:core:2.0:Group\""u8;

    private static void WriteSchemas(JsonEmitter writer, ScimResource resource, string core, string? typedExtension)
    {
        writer.StartArray(Schemas);
        switch (core, typedExtension)
        {
            case (ScimSchemaUris.User, null):
                writer.EncodedValues(UserSchemas);
                break;
            case (ScimSchemaUris.User, ScimSchemaUris.EnterpriseUser):
                writer.EncodedValues(EnterpriseUserSchemas);
                break;
            case (ScimSchemaUris.Group, null):
                writer.EncodedValues(GroupSchemas);
                break;
            default:
                writer.StringValue(core);
                if (typedExtension is not null)
                {
                    writer.StringValue(typedExtension);
                }

                break;
        }

        if (resource.RawExtensions is { Count: > 0 } extensions)
        {
            var index = 0;
            foreach (var (key, value) in extensions)
            {
                // The same rule as ScimResource.Schemas: each extension with a value, once.
                if (value is JsonObject { Count: > 0 }
                    && !string.Equals(key, resource.CoreSchema, StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(key, typedExtension, StringComparison.OrdinalIgnoreCase)
                    && !SeenBefore(extensions, key, index))
                {
                    writer.StringValue(key);
                }

                index++;
            }
        }

        writer.EndArray();
    }

    private static bool SeenBefore(JsonObject extensions, string key, int index)
    {
        for (var i = 0; i < index; i++)
        {
            var (earlier, value) = extensions.GetAt(i);
            if (value is JsonObject { Count: > 0 } && string.Equals(earlier, key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes a list as an array of objects, a null element as <c>null</c>; nothing when the list is null or empty (RFC 7643 §2.5).</summary>
    private static void WriteArray<T>(JsonEmitter writer, ReadOnlySpan<byte> name, IReadOnlyList<T>? items, Action<JsonEmitter, T> writeFields, RepeatedFields? repeats = null)
        where T : class
    {
        if (items is not { Count: > 0 })
        {
            return;
        }

        writer.StartArray(name);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                writer.NullValue();
                continue;
            }

            writer.StartObject();
            if (repeats is null)
            {
                writeFields(writer, item);
            }
            else
            {
                writer.RepeatableFields(item, writeFields, repeats);
            }

            writer.EndObject();
        }

        writer.EndArray();
    }

    private static void WriteValue(JsonEmitter writer, MultiValuedAttribute value)
    {
        WriteString(writer, Value, value.Value);
        WriteString(writer, Display, value.Display);
        WriteString(writer, Type, value.Type);
        WriteBoolean(writer, Primary, value.Primary);
    }

    private static void WriteAddress(JsonEmitter writer, Address address)
    {
        WriteString(writer, Formatted, address.Formatted);
        WriteString(writer, StreetAddress, address.StreetAddress);
        WriteString(writer, Locality, address.Locality);
        WriteString(writer, Region, address.Region);
        WriteString(writer, PostalCode, address.PostalCode);
        WriteString(writer, Country, address.Country);
        WriteString(writer, Type, address.Type);
        WriteBoolean(writer, Primary, address.Primary);
    }

    private static void WriteGroup(JsonEmitter writer, UserGroup group)
    {
        WriteString(writer, Value, group.Value);
        WriteString(writer, Ref, group.Ref);
        WriteString(writer, Display, group.Display);
        WriteString(writer, Type, group.Type);
    }

    private static void WriteMember(JsonEmitter writer, GroupMember member)
    {
        WriteString(writer, Value, member.Value);
        WriteString(writer, Ref, member.Ref);
        WriteString(writer, Display, member.Display);
        WriteString(writer, Type, member.Type);
    }

    private static void WriteMeta(JsonEmitter writer, string? resourceId, ResourceMeta? meta, in ResponseParts response)
    {
        if (!response.IsResponse && meta is null)
        {
            return;
        }

        writer.StartObject(Meta);
        WriteString(writer, ResourceType, response.IsResponse ? response.ResourceType : meta!.ResourceType);
        // A resource never changed since its creation has both stamps equal: format it once.
        Span<byte> stamp = stackalloc byte[ScimDateTime.MaxLength];
        var createdLength = 0;
        if (meta?.Created is { } created)
        {
            createdLength = ScimDateTime.Format(created, stamp);
            writer.AsciiString(Created, stamp[..createdLength]);
        }

        if (meta?.LastModified is { } lastModified)
        {
            var length = createdLength > 0 && meta.Created == lastModified ? createdLength : ScimDateTime.Format(lastModified, stamp);
            writer.AsciiString(LastModified, stamp[..length]);
        }

        if (response.IsResponse)
        {
            if (response.LocationPrefix is not null && resourceId is not null)
            {
                writer.String(Location, response.LocationPrefix, Uri.EscapeDataString(resourceId));
            }
        }
        else
        {
            WriteString(writer, Location, meta!.Location);
        }

        WriteString(writer, Version, response.IsResponse && response.Version is { Length: > 0 } version ? version : meta?.Version);
        writer.EndObject();
    }

    private static void WriteExtensions(JsonEmitter writer, ScimResource resource)
    {
        if (resource.RawExtensions is not { Count: > 0 } extensions)
        {
            return;
        }

        foreach (var (key, value) in extensions)
        {
            if (value is JsonObject { Count: > 0 } extension)
            {
                writer.Node(key, extension);
            }
        }
    }

    private static void WriteBoolean(JsonEmitter writer, ReadOnlySpan<byte> name, bool? value)
    {
        if (value is { } flag)
        {
            writer.Boolean(name, flag);
        }
    }

    private static void WriteString(JsonEmitter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.String(name, value);
        }
    }
}

/// <summary>
/// What a response adds to a stored resource when it is written: the resource type's name and
/// the URL prefix for <c>meta</c>, and a user's derived <c>groups</c>.
/// </summary>
internal readonly struct ResponseParts(string resourceType, string? locationPrefix, IReadOnlyList<UserGroup>? groups, JsonObject? derived = null, RepeatedFields? repeats = null, string? version = null)
{
    /// <summary>The response's <c>meta.version</c>, when it is not the stored one (it carries derived values: see <c>ScimResourceResult.Version</c>).</summary>
    public string? Version { get; } = version;

    /// <summary>For the resources of one list response: the <c>groups</c> entries they share, encoded once.</summary>
    public RepeatedFields? Repeats { get; } = repeats;

    /// <summary>A host type's derived reference attributes (an agent's <c>applications</c>), by name, written instead of stored values.</summary>
    public JsonObject? Derived { get; } = derived;

    /// <summary>Set by the constructor; <see langword="false"/> in <c>default</c>, which writes the resource as it is.</summary>
    public bool IsResponse { get; } = true;

    public string ResourceType { get; } = resourceType;

    /// <summary>The base of <c>meta.location</c> (ending in <c>/</c>): the resource's escaped id follows it.</summary>
    public string? LocationPrefix { get; } = locationPrefix;

    public IReadOnlyList<UserGroup>? Groups { get; } = groups;
}
