import { Link } from 'react-router';

export function NotFound() {
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is nothing here. <Link to="/">Go to the start page</Link>.
      </p>
    </>
  );
}
