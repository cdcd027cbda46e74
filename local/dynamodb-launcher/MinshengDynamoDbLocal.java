import com.almworks.sqlite4java.SQLiteConnection;
import com.almworks.sqlite4java.SQLiteJob;
import com.almworks.sqlite4java.SQLiteQueue;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.AbstractLocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.shared.access.LocalDBClient;
import software.amazon.dynamodb.services.local.shared.access.sqlite.SQLiteDBAccess;

/**
 * Starts DynamoDB Local (the jar's own ServerRunner, same arguments) with three changes the jar has no
 * flag for:
 *
 * 1. It listens on one interface (system property minsheng.host, default 127.0.0.1) instead of every
 *    interface (the jar builds `new Server(port)`, which binds 0.0.0.0).
 * 2. A write is answered only after SQLite has committed it. The jar's
 *    SQLiteDBAccess.commitTransaction queues the COMMIT on its SQLite queue and returns without waiting,
 *    so TransactWriteItems is acknowledged while the COMMIT (and its fsync) is still pending; a kill -9
 *    in that window leaves a hot journal and SQLite rolls the acknowledged transaction back on the next
 *    open. Before the last bytes of a write's response go out, a no-op job is queued behind the COMMIT
 *    and awaited: the queue is one thread, first in first out, so the COMMIT has finished when it runs.
 * 3. Requests from a browser (an Origin header) are refused: only the twin's SDK clients talk to it.
 *
 * LOCAL ONLY (the Minsheng twin). Reads the jar's internals by reflection; if they change, it says so
 * on stderr and exits with status 3, and the twin reports it.
 */
public final class MinshengDynamoDbLocal {
  private static final Pattern READ_ONLY =
      Pattern.compile("^DynamoDB_\\d+\\.(Get|BatchGet|Query|Scan|Describe|List|TransactGet).*");

  private MinshengDynamoDbLocal() {}

  public static void main(String[] args) throws Exception {
    String host = System.getProperty("minsheng.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Server jetty = (Server) field(proxy, "server");
    int bound = 0;
    for (Connector c : jetty.getConnectors()) {
      if (c instanceof ServerConnector sc) {
        sc.setHost(host);
        bound++;
      }
    }
    if (bound == 0) fail("no ServerConnector to bind to " + host);
    Object handler = field(proxy, "serverHandler");
    // Every field the commit wait reads, checked now: a jar whose internals changed fails at start,
    // not at its first write.
    try {
      Object primary = fieldOf(AbstractLocalDynamoDBServerHandler.class, handler, "primaryHandler");
      fieldOf(LocalDynamoDBRequestHandler.class, primary, "dbRequestHandlers");
      LocalDBClient.class.getDeclaredField("dbAccess");
      SQLiteDBAccess.class.getDeclaredField("queue");
    } catch (ReflectiveOperationException | ClassCastException e) {
      fail("the DynamoDB Local internals this launcher relies on have changed: " + e);
    }
    Handler inner = jetty.getHandler();
    jetty.setHandler(new Handler.Wrapper(inner) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getHeaders().get("Origin") != null) {
          Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "browser requests are refused");
          return true;
        }
        String target = request.getHeaders().get("X-Amz-Target");
        if (target != null && READ_ONLY.matcher(target).matches()) return super.handle(request, response, callback);
        return super.handle(request, new Response.Wrapper(request, response) {
          @Override
          public void write(boolean last, ByteBuffer content, Callback cb) {
            if (last) awaitCommits(handler);
            super.write(last, content, cb);
          }
        }, callback);
      }
    });
    proxy.safeStart();
    System.out.println("Minsheng DynamoDB Local launcher: listening on " + host + ", writes acknowledged after commit");
    proxy.join();
  }

  /** Waits until every job queued on the SQLite queues so far has run (the pending COMMITs included). */
  static void awaitCommits(Object serverHandler) {
    for (SQLiteQueue q : queues(serverHandler)) {
      try {
        q.execute(new SQLiteJob<Void>() {
          @Override
          protected Void job(SQLiteConnection connection) {
            return null;
          }
        }).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // A queue that is stopping runs nothing more; there is nothing left to wait for.
      }
    }
  }

  /**
   * The SQLite queues behind the request handler: serverHandler.primaryHandler.dbRequestHandlers (one
   * LocalDBClient per database, created on first use; one with -sharedDb) -> dbAccess -> queue.
   */
  static List<SQLiteQueue> queues(Object serverHandler) {
    List<SQLiteQueue> out = new ArrayList<>();
    try {
      Object primary = fieldOf(AbstractLocalDynamoDBServerHandler.class, serverHandler, "primaryHandler");
      Map<?, ?> dbs = (Map<?, ?>) fieldOf(LocalDynamoDBRequestHandler.class, primary, "dbRequestHandlers");
      for (Object client : dbs.values()) {
        if (!(client instanceof LocalDBClient)) continue;
        Object access = fieldOf(LocalDBClient.class, client, "dbAccess");
        if (access instanceof SQLiteDBAccess) {
          Object q = fieldOf(SQLiteDBAccess.class, access, "queue");
          if (q instanceof SQLiteQueue sq) out.add(sq);
        }
      }
    } catch (ReflectiveOperationException | ClassCastException e) {
      fail("the DynamoDB Local internals this launcher relies on have changed: " + e);
    }
    return out;
  }

  static Object field(Object o, String name) throws ReflectiveOperationException {
    return fieldOf(o.getClass(), o, name);
  }

  private static final Map<String, Field> FIELDS = new java.util.concurrent.ConcurrentHashMap<>();

  static Object fieldOf(Class<?> c, Object o, String name) throws ReflectiveOperationException {
    String key = c.getName() + "#" + name;
    Field f = FIELDS.get(key);
    if (f == null) {
      f = c.getDeclaredField(name);
      f.setAccessible(true);
      FIELDS.put(key, f);
    }
    return f.get(o);
  }

  static void fail(String message) {
    System.err.println("Minsheng DynamoDB Local launcher: " + message);
    System.exit(3);
  }
}
