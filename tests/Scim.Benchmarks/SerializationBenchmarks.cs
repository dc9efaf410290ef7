using System.Text;
using BenchmarkDotNet.Attributes;
using Scim.Core.Resources;
using Scim.Core.Schema;
using Scim.Core.Serialization;

namespace Scim.Benchmarks;

/// <summary>Reading (with full schema validation) and writing the kind of user Entra ID provisions.</summary>
[MemoryDiagnoser]
public class SerializationBenchmarks
{
    private static readonly byte[] EntraUser = Encoding.UTF8.GetBytes("""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
          "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@example.com",
          "active": true,
          "displayName": "Barbara Jensen",
          "emails": [{ "primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@example.com" }],
          "name": { "formatted": "Barbara Jensen", "familyName": "Jensen", "givenName": "Barbara" },
          "title": "Engineer",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "department": "Tour Operations",
            "manager": { "value": "26118915-6090-4610-87e4-49d8ca9f808d" }
          }
        }
        """);

    private readonly ScimSerializer _serializer = new(SchemaRegistry.CreateDefault());
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(4096);
    private User _user = null!;
    private System.Text.Json.Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _user = _serializer.ReadUser(EntraUser);
        _writer = new System.Text.Json.Utf8JsonWriter(_buffer, ScimSerializer.WriterOptions);
    }

    [Benchmark]
    public User ReadEntraUser() => _serializer.ReadUser(EntraUser);

    [Benchmark]
    public byte[] WriteEntraUser() => ScimSerializer.SerializeToUtf8Bytes(_user);

    /// <summary>Writing only: into a writer and buffer reused across calls, as a response body is written.</summary>
    [Benchmark]
    public long WriteEntraUserToWriter()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        ScimSerializer.Write(_writer, _user);
        _writer.Flush();
        return _writer.BytesCommitted;
    }
}
