# A Function Compute custom-container image for one product of this package.
#   docker build --build-arg PRODUCT=hello -t my-function .
# The build stage runs scripts/package.sh, the same script that builds the custom-runtime code zip, so the image
# holds exactly what the zip holds: bootstrap + a statically linked function binary.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUN_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
ARG PRODUCT=hello
WORKDIR /src
COPY . .
RUN scripts/package.sh "${PRODUCT}" --no-zip && mkdir -p /code && cp -a "dist/${PRODUCT}/." /code/

FROM ${RUN_IMAGE}
COPY --from=build /code /code
WORKDIR /code
# FC sets FC_CUSTOM_LISTEN_PORT / FC_SERVER_PORT itself; 9000 is the runtime's default either way.
ENV FC_SERVER_PORT=9000
EXPOSE 9000
USER nobody
ENTRYPOINT ["/code/bootstrap"]
