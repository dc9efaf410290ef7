using System.Text.Json;
using System.Text.Json.Nodes;
using Scim.Core.Resources;
using Scim.Core.Schema;

namespace Scim.Core.Serialization;

/// <summary>
/// Writes <see cref="User"/> and <see cref="Group"/> straight to a <see cref="Utf8JsonWriter"/>,
/// with property names encoded once. The output is the same, byte for byte, as the contracts in
/// <see cref="ScimJson"/> give (a property test holds the two together): the same order, nulls
/// and empty lists left out, <c>password</c> never written, the Enterprise User extension only
/// when it has a value, other extensions last. Writing a page of users is most of a list
/// response's cost, and this is several times faster than the contract-driven serializer.
/// </summary>
internal static class ResourceWriter
{
    private static readonly JsonEncodedText Schemas = JsonEncodedText.Encode("schemas");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText ExternalId = JsonEncodedText.Encode("externalId");
    private static readonly JsonEncodedText UserName = JsonEncodedText.Encode("userName");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Formatted = JsonEncodedText.Encode("formatted");
    private static readonly JsonEncodedText FamilyName = JsonEncodedText.Encode("familyName");
    private static readonly JsonEncodedText GivenName = JsonEncodedText.Encode("givenName");
    private static readonly JsonEncodedText MiddleName = JsonEncodedText.Encode("middleName");
    private static readonly JsonEncodedText HonorificPrefix = JsonEncodedText.Encode("honorificPrefix");
    private static readonly JsonEncodedText HonorificSuffix = JsonEncodedText.Encode("honorificSuffix");
    private static readonly JsonEncodedText DisplayName = JsonEncodedText.Encode("displayName");
    private static readonly JsonEncodedText NickName = JsonEncodedText.Encode("nickName");
    private static readonly JsonEncodedText ProfileUrl = JsonEncodedText.Encode("profileUrl");
    private static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");
    private static readonly JsonEncodedText UserType = JsonEncodedText.Encode("userType");
    private static readonly JsonEncodedText PreferredLanguage = JsonEncodedText.Encode("preferredLanguage");
    private static readonly JsonEncodedText Locale = JsonEncodedText.Encode("locale");
    private static readonly JsonEncodedText Timezone = JsonEncodedText.Encode("timezone");
    private static readonly JsonEncodedText Active = JsonEncodedText.Encode("active");
    private static readonly JsonEncodedText Emails = JsonEncodedText.Encode("emails");
    private static readonly JsonEncodedText PhoneNumbers = JsonEncodedText.Encode("phoneNumbers");
    private static readonly JsonEncodedText Ims = JsonEncodedText.Encode("ims");
    private static readonly JsonEncodedText Photos = JsonEncodedText.Encode("photos");
    private static readonly JsonEncodedText Addresses = JsonEncodedText.Encode("addresses");
    private static readonly JsonEncodedText Groups = JsonEncodedText.Encode("groups");
    private static readonly JsonEncodedText Entitlements = JsonEncodedText.Encode("entitlements");
    private static readonly JsonEncodedText Roles = JsonEncodedText.Encode("roles");
    private static readonly JsonEncodedText X509Certificates = JsonEncodedText.Encode("x509Certificates");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText Display = JsonEncodedText.Encode("display");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Primary = JsonEncodedText.Encode("primary");
    private static readonly JsonEncodedText Ref = JsonEncodedText.Encode("$ref");
    private static readonly JsonEncodedText StreetAddress = JsonEncodedText.Encode("streetAddress");
    private static readonly JsonEncodedText Locality = JsonEncodedText.Encode("locality");
    private static readonly JsonEncodedText Region = JsonEncodedText.Encode("region");
    private static readonly JsonEncodedText PostalCode = JsonEncodedText.Encode("postalCode");
    private static readonly JsonEncodedText Country = JsonEncodedText.Encode("country");
    private static readonly JsonEncodedText EnterpriseSchema = JsonEncodedText.Encode(ScimSchemaUris.EnterpriseUser);
    private static readonly JsonEncodedText UserSchema = JsonEncodedText.Encode(ScimSchemaUris.User);
    private static readonly JsonEncodedText GroupSchema = JsonEncodedText.Encode(ScimSchemaUris.Group);
    private static readonly JsonEncodedText EmployeeNumber = JsonEncodedText.Encode("employeeNumber");
    private static readonly JsonEncodedText CostCenter = JsonEncodedText.Encode("costCenter");
    private static readonly JsonEncodedText Organization = JsonEncodedText.Encode("organization");
    private static readonly JsonEncodedText Division = JsonEncodedText.Encode("division");
    private static readonly JsonEncodedText Department = JsonEncodedText.Encode("department");
    private static readonly JsonEncodedText Manager = JsonEncodedText.Encode("manager");
    private static readonly JsonEncodedText Members = JsonEncodedText.Encode("members");
    private static readonly JsonEncodedText Meta = JsonEncodedText.Encode("meta");
    private static readonly JsonEncodedText ResourceType = JsonEncodedText.Encode("resourceType");
    private static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    private static readonly JsonEncodedText LastModified = JsonEncodedText.Encode("lastModified");
    private static readonly JsonEncodedText Location = JsonEncodedText.Encode("location");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");

    /// <summary>
    /// Writes a resource. With <paramref name="response"/>, <c>meta.resourceType</c> and
    /// <c>meta.location</c> come from it and a user's <c>groups</c> are its derived ones (the
    /// stored resource is read, never changed); without it, the resource is written as it is.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, ScimResource resource, in ResponseParts response = default)
    {
        switch (resource)
        {
            case User user:
                WriteUser(writer, user, response);
                break;
            case Group group:
                WriteGroup(writer, group, response);
                break;
            default:
                throw new ArgumentException($"Cannot write a {resource.GetType().Name}; only User and Group are typed.", nameof(resource));
        }
    }

    private static void WriteUser(Utf8JsonWriter writer, User user, in ResponseParts response)
    {
        writer.WriteStartObject();
        var enterprise = user.EnterpriseUser is { IsEmpty: false } ? user.EnterpriseUser : null;
        WriteSchemas(writer, user, UserSchema, enterprise is null ? null : ScimSchemaUris.EnterpriseUser);
        WriteString(writer, Id, user.Id);
        WriteString(writer, ExternalId, user.ExternalId);
        WriteString(writer, UserName, user.UserName);
        if (user.Name is { } name)
        {
            writer.WriteStartObject(Name);
            WriteString(writer, Formatted, name.Formatted);
            WriteString(writer, FamilyName, name.FamilyName);
            WriteString(writer, GivenName, name.GivenName);
            WriteString(writer, MiddleName, name.MiddleName);
            WriteString(writer, HonorificPrefix, name.HonorificPrefix);
            WriteString(writer, HonorificSuffix, name.HonorificSuffix);
            writer.WriteEndObject();
        }

        WriteString(writer, DisplayName, user.DisplayName);
        WriteString(writer, NickName, user.NickName);
        WriteString(writer, ProfileUrl, user.ProfileUrl);
        WriteString(writer, Title, user.Title);
        WriteString(writer, UserType, user.UserType);
        WriteString(writer, PreferredLanguage, user.PreferredLanguage);
        WriteString(writer, Locale, user.Locale);
        WriteString(writer, Timezone, user.Timezone);
        if (user.Active is { } active)
        {
            writer.WriteBoolean(Active, active);
        }

        WriteValues(writer, Emails, Raw<Email>(user, nameof(User.Emails)));
        WriteValues(writer, PhoneNumbers, Raw<PhoneNumber>(user, nameof(User.PhoneNumbers)));
        WriteValues(writer, Ims, Raw<InstantMessagingAddress>(user, nameof(User.Ims)));
        WriteValues(writer, Photos, Raw<Photo>(user, nameof(User.Photos)));
        WriteAddresses(writer, Raw<Address>(user, nameof(User.Addresses)));
        WriteGroups(writer, response.IsResponse ? response.Groups : Raw<UserGroup>(user, nameof(User.Groups)));
        WriteValues(writer, Entitlements, Raw<Entitlement>(user, nameof(User.Entitlements)));
        WriteValues(writer, Roles, Raw<Role>(user, nameof(User.Roles)));
        WriteValues(writer, X509Certificates, Raw<X509Certificate>(user, nameof(User.X509Certificates)));
        if (enterprise is not null)
        {
            writer.WriteStartObject(EnterpriseSchema);
            WriteString(writer, EmployeeNumber, enterprise.EmployeeNumber);
            WriteString(writer, CostCenter, enterprise.CostCenter);
            WriteString(writer, Organization, enterprise.Organization);
            WriteString(writer, Division, enterprise.Division);
            WriteString(writer, Department, enterprise.Department);
            if (enterprise.Manager is { } manager)
            {
                writer.WriteStartObject(Manager);
                WriteString(writer, Value, manager.Value);
                WriteString(writer, Ref, manager.Ref);
                WriteString(writer, DisplayName, manager.DisplayName);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        WriteMeta(writer, user.Meta, response);
        WriteExtensions(writer, user);
        writer.WriteEndObject();
    }

    private static void WriteGroup(Utf8JsonWriter writer, Group group, in ResponseParts response)
    {
        writer.WriteStartObject();
        WriteSchemas(writer, group, GroupSchema, null);
        WriteString(writer, Id, group.Id);
        WriteString(writer, ExternalId, group.ExternalId);
        WriteString(writer, DisplayName, group.DisplayName);
        if (group.Members is { Count: > 0 } members)
        {
            writer.WriteStartArray(Members);
            foreach (var member in members)
            {
                if (member is null)
                {
                    writer.WriteNullValue();
                    continue;
                }

                writer.WriteStartObject();
                WriteString(writer, Value, member.Value);
                WriteString(writer, Ref, member.Ref);
                WriteString(writer, Display, member.Display);
                WriteString(writer, Type, member.Type);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteMeta(writer, group.Meta, response);
        WriteExtensions(writer, group);
        writer.WriteEndObject();
    }

    private static List<T>? Raw<T>(User user, string name) => (List<T>?)User.RawCollections[name](user);

    private static void WriteSchemas(Utf8JsonWriter writer, ScimResource resource, JsonEncodedText core, string? typedExtension)
    {
        writer.WriteStartArray(Schemas);
        writer.WriteStringValue(core);
        if (typedExtension is not null)
        {
            writer.WriteStringValue(EnterpriseSchema);
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
                    writer.WriteStringValue(key);
                }

                index++;
            }
        }

        writer.WriteEndArray();
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

    private static void WriteValues<T>(Utf8JsonWriter writer, JsonEncodedText name, List<T>? values)
        where T : MultiValuedAttribute
    {
        if (values is not { Count: > 0 })
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            if (value is null)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartObject();
            WriteString(writer, Value, value.Value);
            WriteString(writer, Display, value.Display);
            WriteString(writer, Type, value.Type);
            if (value.Primary is { } primary)
            {
                writer.WriteBoolean(Primary, primary);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteAddresses(Utf8JsonWriter writer, List<Address>? addresses)
    {
        if (addresses is not { Count: > 0 })
        {
            return;
        }

        writer.WriteStartArray(Addresses);
        foreach (var address in addresses)
        {
            if (address is null)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartObject();
            WriteString(writer, Formatted, address.Formatted);
            WriteString(writer, StreetAddress, address.StreetAddress);
            WriteString(writer, Locality, address.Locality);
            WriteString(writer, Region, address.Region);
            WriteString(writer, PostalCode, address.PostalCode);
            WriteString(writer, Country, address.Country);
            WriteString(writer, Type, address.Type);
            if (address.Primary is { } primary)
            {
                writer.WriteBoolean(Primary, primary);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteGroups(Utf8JsonWriter writer, List<UserGroup>? groups)
    {
        if (groups is not { Count: > 0 })
        {
            return;
        }

        writer.WriteStartArray(Groups);
        foreach (var group in groups)
        {
            if (group is null)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartObject();
            WriteString(writer, Value, group.Value);
            WriteString(writer, Ref, group.Ref);
            WriteString(writer, Display, group.Display);
            WriteString(writer, Type, group.Type);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteMeta(Utf8JsonWriter writer, ResourceMeta? meta, in ResponseParts response)
    {
        if (!response.IsResponse && meta is null)
        {
            return;
        }

        writer.WriteStartObject(Meta);
        WriteString(writer, ResourceType, response.IsResponse ? response.ResourceType : meta!.ResourceType);
        if (meta?.Created is { } created)
        {
            WriteDateTime(writer, Created, created);
        }

        if (meta?.LastModified is { } lastModified)
        {
            WriteDateTime(writer, LastModified, lastModified);
        }

        WriteString(writer, Location, response.IsResponse ? response.Location : meta!.Location);
        WriteString(writer, Version, meta?.Version);
        writer.WriteEndObject();
    }

    private static void WriteExtensions(Utf8JsonWriter writer, ScimResource resource)
    {
        if (resource.RawExtensions is not { Count: > 0 } extensions)
        {
            return;
        }

        foreach (var (key, value) in extensions)
        {
            if (value is JsonObject { Count: > 0 } extension)
            {
                writer.WritePropertyName(key);
                extension.WriteTo(writer);
            }
        }
    }

    private static void WriteDateTime(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset value)
    {
        Span<byte> utf8 = stackalloc byte[ScimDateTime.MaxLength];
        writer.WriteString(name, utf8[..ScimDateTime.Format(value, utf8)]);
    }

    private static void WriteString(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}

/// <summary>
/// What a response adds to a stored resource when it is written: the resource type's name and
/// the URL for <c>meta</c>, and a user's derived <c>groups</c>.
/// </summary>
internal readonly struct ResponseParts(string resourceType, string? location, List<UserGroup>? groups)
{
    public bool IsResponse { get; } = true;

    public string ResourceType { get; } = resourceType;

    public string? Location { get; } = location;

    public List<UserGroup>? Groups { get; } = groups;
}
